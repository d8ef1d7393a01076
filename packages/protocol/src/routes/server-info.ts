import { z } from 'zod'
import { needs } from './permission.ts'
import { route } from './route.ts'

// MLflow 3's capability probe. Clients and the UI read it to pick code paths (workspaces, multipart
// transfers); a server without it answers 404, which they take as "no workspaces".
export const serverInfoRoutes = {
  getServerInfo: route({ methods: ['GET'], permission: needs.authenticated(), path: '/mlflow/server-info', version: '3.0', request: z.object({}) }),
}

import { z } from 'zod'
import { requiredString } from '../schema.ts'
import { needs } from './permission.ts'
import { route } from './route.ts'

// Orchard's additions beside MLflow's grant endpoints, for the permissions tabs of the UI: every
// user's grant on one experiment or registered model (MLflow only answers one user at a time).

export const grantListRoutes = {
  listExperimentGrants: route({
    methods: ['GET'],
    permission: needs.experiment('MANAGE'),
    path: '/orchard/experiments/permissions/list',
    request: z.object({ experiment_id: requiredString }),
  }),
  listRegisteredModelGrants: route({
    methods: ['GET'],
    permission: needs.registeredModel('MANAGE'),
    path: '/orchard/registered-models/permissions/list',
    request: z.object({ name: requiredString }),
  }),
}

export type GrantListRoutes = typeof grantListRoutes

/** One user's grant in a list answer: `{ permissions: [{ username, permission }] }`, by user name. */
export interface WireResourceGrant {
  username: string
  permission: string
}

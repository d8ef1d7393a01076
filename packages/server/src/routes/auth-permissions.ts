import type { authRoutes } from '@orchard/protocol'
import { validatePermission } from '@orchard/store'
import type { Handlers } from '../define-routes.ts'
import { audit, authOf } from './auth-users.ts'

type PermissionOperations = Pick<
  typeof authRoutes,
  | 'createExperimentPermission'
  | 'getExperimentPermission'
  | 'updateExperimentPermission'
  | 'deleteExperimentPermission'
  | 'createRegisteredModelPermission'
  | 'getRegisteredModelPermission'
  | 'updateRegisteredModelPermission'
  | 'deleteRegisteredModelPermission'
>

// MLflow's grant endpoints: create answers the grant, update and delete answer {}. A grant may name
// an experiment or model that does not exist (yet), as in MLflow.

export const permissionHandlers: Handlers<PermissionOperations> = {
  async createExperimentPermission(request, context, http) {
    const grant = await authOf(context).store.createExperimentPermission(request.experiment_id, request.username, validatePermission(request.permission))
    await audit(context, http, 'permission_created', `${request.username} on experiment ${request.experiment_id} = ${request.permission}`)
    return { experiment_permission: { experiment_id: grant.experimentId, user_id: grant.userId, permission: grant.permission } }
  },
  async getExperimentPermission(request, context) {
    const grant = await authOf(context).store.getExperimentPermission(request.experiment_id, request.username)
    return { experiment_permission: { experiment_id: grant.experimentId, user_id: grant.userId, permission: grant.permission } }
  },
  async updateExperimentPermission(request, context, http) {
    await authOf(context).store.updateExperimentPermission(request.experiment_id, request.username, validatePermission(request.permission))
    await audit(context, http, 'permission_updated', `${request.username} on experiment ${request.experiment_id} = ${request.permission}`)
    return {}
  },
  async deleteExperimentPermission(request, context, http) {
    await authOf(context).store.deleteExperimentPermission(request.experiment_id, request.username)
    await audit(context, http, 'permission_deleted', `${request.username} on experiment ${request.experiment_id}`)
    return {}
  },
  async createRegisteredModelPermission(request, context, http) {
    const grant = await authOf(context).store.createRegisteredModelPermission(request.name, request.username, validatePermission(request.permission))
    await audit(context, http, 'permission_created', `${request.username} on registered model ${request.name} = ${request.permission}`)
    return { registered_model_permission: { name: grant.name, user_id: grant.userId, permission: grant.permission } }
  },
  async getRegisteredModelPermission(request, context) {
    const grant = await authOf(context).store.getRegisteredModelPermission(request.name, request.username)
    return { registered_model_permission: { name: grant.name, user_id: grant.userId, permission: grant.permission } }
  },
  async updateRegisteredModelPermission(request, context, http) {
    await authOf(context).store.updateRegisteredModelPermission(request.name, request.username, validatePermission(request.permission))
    await audit(context, http, 'permission_updated', `${request.username} on registered model ${request.name} = ${request.permission}`)
    return {}
  },
  async deleteRegisteredModelPermission(request, context, http) {
    await authOf(context).store.deleteRegisteredModelPermission(request.name, request.username)
    await audit(context, http, 'permission_deleted', `${request.username} on registered model ${request.name}`)
    return {}
  },
}

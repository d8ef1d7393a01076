import { parseInteger } from '../../flag-values.ts'

/** The `--role-id` flag every role command takes: the id `orchard roles list` shows. */
export const roleIdFlag = { type: 'string', placeholder: 'id', description: 'The role, by the id `orchard roles list` shows', required: true } as const

export const parseRoleId = (value: string): number => parseInteger('role-id', value, { min: 1, max: Number.MAX_SAFE_INTEGER })

export const resourceTypeFlag = {
  type: 'string',
  placeholder: 'type',
  description: 'experiment, registered_model, or workspace (every resource; pattern *)',
  required: true,
} as const

export const patternFlag = {
  type: 'string',
  placeholder: 'pattern',
  description: 'An experiment id, a registered model name, or * for every resource of the type',
  required: true,
} as const

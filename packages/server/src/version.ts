/**
 * The version `/version` reports. MLflow clients read it to pick features (a 3.x client refuses some
 * calls below 3.4), so we report the MLflow release whose REST API we match request by request:
 * 3.6.0's tracking, logged-model, registry, webhook and artifact endpoints, with 2.x requests still
 * answered. Its trace and GenAI endpoints are not served (ENDPOINT_NOT_FOUND; see the README).
 */
export const VERSION = '3.6.0'

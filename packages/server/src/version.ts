/**
 * The version `/version` reports. MLflow clients read it to pick features, so we report the MLflow
 * release whose REST API we match (2.x requests plus the 3.x logged-model endpoints).
 */
export const VERSION = '2.22.0'

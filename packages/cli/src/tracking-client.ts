import type { OrchardClient } from '@orchard/sdk'

// A person at a terminal, unlike a training script, would rather hear at once that the server is
// down than wait out the SDK's ~20 s of retries. MLFLOW_HTTP_REQUEST_MAX_RETRIES still wins.
const CLI_RETRY = { maxRetries: 2, initialDelayMs: 250 }

/**
 * The SDK's OrchardClient on `trackingUri` (undefined: MLFLOW_TRACKING_URI, else ./mlruns, the SDK's
 * own default), so every command works against a server and against a local database alike.
 */
export async function withTrackingClient<T>(
  trackingUri: string | undefined,
  use: (client: OrchardClient) => Promise<T>,
): Promise<T> {
  const { OrchardClient } = await import('@orchard/sdk')
  const client = new OrchardClient(trackingUri, {
    batching: false,
    ...(process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES ? {} : { retry: CLI_RETRY }),
  })
  try {
    return await use(client)
  } finally {
    await client.close()
  }
}

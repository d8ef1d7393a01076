/**
 * A handler's response already written as JSON, as UTF-8: sent as it is, where any other response
 * is an object the route writes with JSON.stringify. A 1000-run search page arrives from the store
 * as the runs' JSON bytes; parsing them into objects only to write them again was most of its time,
 * and joining 1,000 texts and encoding the 1.5 MB result cost another 5-10 ms.
 */
export class JsonText {
  constructor(readonly bytes: Uint8Array<ArrayBuffer>) {}

  get text(): string {
    return new TextDecoder().decode(this.bytes)
  }
}

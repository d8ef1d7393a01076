/**
 * A handler's response already written as JSON text: sent as it is, where any other response is
 * an object the route writes with JSON.stringify. A 1000-run search page arrives from the store as
 * the runs' texts; parsing them into objects only to write them again was most of its time.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

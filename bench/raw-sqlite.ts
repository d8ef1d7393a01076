import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The raw limit for metric ingest on this machine: rows shaped like metric points, inserted straight
 * into SQLite with one prepared statement in one transaction, under a (run, key, timestamp, step,
 * value) primary key, WAL + synchronous=NORMAL (the settings the store uses).
 */
export function rawSqliteInsertRate(rows: number): { rowsPerSecond: number; seconds: number } {
  const dir = mkdtempSync(join(tmpdir(), 'orchard-raw-'))
  try {
    const db = new Database(join(dir, 'raw.db'))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec(`CREATE TABLE metrics (run_uuid TEXT NOT NULL, key TEXT NOT NULL, timestamp INTEGER NOT NULL, step INTEGER NOT NULL,
      value REAL NOT NULL, PRIMARY KEY (run_uuid, key, timestamp, step, value)) WITHOUT ROWID`)
    const insert = db.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?)')
    const runs = Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(32, '0'))
    const insertAll = db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(runs[i % 100], `m${i % 10}`, 1_700_000_000_000 + i, i, Math.random())
    })
    const start = performance.now()
    insertAll()
    const seconds = (performance.now() - start) / 1000
    db.close()
    return { rowsPerSecond: Math.round(rows / seconds), seconds }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

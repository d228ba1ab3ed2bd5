import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface PayloadFlags {
  /** `--payload`: text, stored as a JSON string. */
  text?: string | undefined;
  /** `--payload-json`: JSON as given. */
  json?: string | undefined;
  /** `--payload-file`: a file holding JSON, or `-` for standard input. */
  file?: string | undefined;
}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON text a --payload-file names; `-` reads standard input to its end. */
async function readPayloadFile(file: string, io: CliIo): Promise<string> {
  if (file === '-') {
    if (io.stdin === undefined) throw new UsageError('--payload-file -: there is no standard input to read', 'enqueue');
    return readAll(io.stdin);
  }
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new UsageError(`--payload-file: cannot read ${file} (${reason})`, 'enqueue');
  }
}

/**
 * The payload the flags describe; at most one of them. A file (or standard
 * input) is read only when named, and holds JSON, as --payload-json does, so
 * payloads too large for the shell's argument limit still fit.
 */
export async function payloadFromFlags(flags: PayloadFlags, io: CliIo): Promise<unknown> {
  const given = (['text', 'json', 'file'] as const).filter((key) => flags[key] !== undefined);
  if (given.length > 1) {
    throw new UsageError('give one of --payload (a string), --payload-json (raw JSON) or --payload-file (JSON from a file, - for stdin)', 'enqueue');
  }
  if (flags.json === undefined && flags.file === undefined) return flags.text;
  const source = flags.file === undefined ? '--payload-json' : `--payload-file ${flags.file}`;
  const json = flags.json ?? (await readPayloadFile(flags.file as string, io));
  try {
    return JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${source}: not valid JSON (${reason})`, 'enqueue');
  }
}

/**
 * A small TypeScript Spark Connect client: what the CLI, canaries, benchmarks and tests use to talk to
 * the gateway (or straight to a driver) over the real protocol, with reattachable execution off.
 */
import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { type Client, credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import { type Table, tableFromIPC } from 'apache-arrow';
import {
  type AnalyzePlanRequest,
  AnalyzePlanRequestSchema,
  type AnalyzePlanResponse,
  type ConfigRequest_Operation,
  ConfigRequestSchema,
  type ConfigResponse,
  type DataType,
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  grpcChannelOptions,
  InterruptRequest_InterruptType,
  InterruptRequestSchema,
  type InterruptResponse,
  type Plan,
  type Relation,
  RelationSchema,
  ReleaseSessionRequestSchema,
  sparkConnectServiceDefinition,
  type Wire,
} from '../protocol/index.js';
import { parseConnectionString } from './connection-string.js';

const Ctor = makeGenericClientConstructor(sparkConnectServiceDefinition, 'SparkConnectService');

export interface QueryResult {
  table: Table;
  schema?: DataType | undefined;
  /** Every response as received (tests inspect ids and kinds). */
  responses: ExecutePlanResponse[];
}

export class SparkConnectClient {
  readonly sessionId: string;
  readonly userId: string;
  private readonly client: Client & Record<string, (...a: unknown[]) => unknown>;
  private readonly headers: Record<string, string>;
  serverSideSessionId: string | undefined;

  constructor(url: string, opts: { sessionId?: string } = {}) {
    const p = parseConnectionString(url);
    this.sessionId = opts.sessionId ?? p.sessionId ?? randomUUID();
    this.userId = p.userId;
    this.headers = { ...p.headers, ...(p.token ? { authorization: `Bearer ${p.token}` } : {}) };
    this.client = new Ctor(`${p.host}:${p.port}`, credentials.createInsecure(), grpcChannelOptions) as never;
  }

  private md(): Metadata {
    const md = new Metadata();
    for (const [k, v] of Object.entries(this.headers)) md.set(k, v);
    return md;
  }

  private envelope() {
    return { sessionId: this.sessionId, userContext: { userId: this.userId }, clientType: 'perennial-ts' };
  }

  private unary<Res>(method: string, req: unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = this.client[method] as (...a: unknown[]) => unknown;
      fn.call(this.client, req, this.md(), (err: unknown, res: Wire<Res>) => {
        if (err) reject(err);
        else {
          const ss = (res.msg as { serverSideSessionId?: string }).serverSideSessionId;
          if (ss) this.serverSideSessionId = ss;
          resolve(res.msg);
        }
      });
    });
  }

  /** Runs a plan; resolves with every response once the stream completes. */
  executePlan(plan: MessageInitShape<typeof ExecutePlanRequestSchema>['plan'], operationId = randomUUID()): Promise<ExecutePlanResponse[]> {
    const req = create(ExecutePlanRequestSchema, { ...this.envelope(), operationId, plan });
    return new Promise((resolve, reject) => {
      const fn = this.client.ExecutePlan as (...a: unknown[]) => NodeJS.ReadableStream;
      const stream = fn.call(this.client, req, this.md());
      const out: ExecutePlanResponse[] = [];
      stream.on('data', (w: Wire<ExecutePlanResponse>) => out.push(w.msg));
      stream.on('end', () => resolve(out));
      stream.on('error', reject);
    });
  }

  /** Executes a relation and collects its Arrow batches into one table. */
  async collect(relation: Relation | MessageInitShape<typeof RelationSchema>): Promise<QueryResult> {
    const responses = await this.executePlan({ opType: { case: 'root', value: create(RelationSchema, relation) } } as never);
    return { table: tableOf(responses), schema: responses.find((r) => r.schema)?.schema, responses };
  }

  /** `spark.sql(query).collect()`: the SQL command, then (for a query) its relation. */
  async sql(query: string): Promise<QueryResult> {
    const cmd = await this.executePlan({
      opType: {
        case: 'command',
        value: { commandType: { case: 'sqlCommand', value: { input: { relType: { case: 'sql', value: { query } } } } } },
      },
    } as never);
    const rel = cmd.find((r) => r.responseType.case === 'sqlCommandResult');
    const relation = rel?.responseType.case === 'sqlCommandResult' ? rel.responseType.value.relation : undefined;
    if (!relation) throw new Error('The server answered the SQL command without a relation.');
    return this.collect(relation);
  }

  analyze(analyze: MessageInitShape<typeof AnalyzePlanRequestSchema>['analyze']): Promise<AnalyzePlanResponse> {
    return this.unary('AnalyzePlan', create(AnalyzePlanRequestSchema, { ...this.envelope(), analyze } as never) as AnalyzePlanRequest);
  }

  config(operation: MessageInitShape<typeof ConfigRequestSchema>['operation'] | ConfigRequest_Operation): Promise<ConfigResponse> {
    return this.unary('Config', create(ConfigRequestSchema, { ...this.envelope(), operation } as never));
  }

  interruptAll(): Promise<InterruptResponse> {
    return this.unary(
      'Interrupt',
      create(InterruptRequestSchema, { ...this.envelope(), interruptType: InterruptRequest_InterruptType.ALL }),
    );
  }

  /** Ends the server session and closes the channel. */
  async close(): Promise<void> {
    try {
      await this.unary('ReleaseSession', create(ReleaseSessionRequestSchema, this.envelope()));
    } finally {
      this.client.close();
    }
  }
}

export function tableOf(responses: ExecutePlanResponse[]): Table {
  const chunks: Uint8Array[] = [];
  for (const r of responses) if (r.responseType.case === 'arrowBatch') chunks.push(r.responseType.value.data);
  if (chunks.length === 1) return tableFromIPC(chunks[0] as Uint8Array);
  const tables = chunks.map((c) => tableFromIPC(c));
  const first = tables[0];
  if (!first) return tableFromIPC(new Uint8Array());
  return tables.slice(1).reduce((a, b) => a.concat(b), first);
}

export type { Plan };

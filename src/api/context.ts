import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.ts';
import type { SecretBox } from '../config/secrets.ts';
import type { Warehouse } from '../datasets/types.ts';
import type { Clock } from '../domain/time.ts';
import type { Store } from '../store/store.ts';
import type { Role, Scope } from '../store/tenancy.ts';

/** Services the routes use, built once by the server and passed to `buildApp`. */
export interface ApiServices {
  config: Config;
  store: Store;
  warehouse: Warehouse;
  secretBox: SecretBox;
  clock: Clock;
  logger: Logger;
  metrics: Registry;
  /** Resolves to false until the server has finished starting (migrations, engine). */
  isReady?: () => boolean;
}

/** The caller of one request: who, in which organization and sandbox, with which role. */
export interface RequestActor extends Scope {
  userId: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: RequestActor;
  }
  interface FastifyContextConfig {
    /** Routes that change nothing, allowed to viewers even when their method is POST. */
    readOnly?: boolean;
    /** Routes that need no token. */
    public?: boolean;
  }
}

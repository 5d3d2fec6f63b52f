import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';

/**
 * The owner of transactions. Code that runs inside `run()` (including everything a request handler
 * calls while the write interceptor holds a transaction open) reaches the database through
 * `manager`/`repository()`, so every query of a transaction goes through that transaction's
 * connection: on PGlite's single backend a query on a second connection would wait forever.
 */
@Injectable()
export class UnitOfWork {
  private readonly current = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.current.getStore() ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  repository<T extends ObjectLiteral>(entity: EntityTarget<T>): Repository<T> {
    return this.manager.getRepository(entity);
  }

  /** Runs `work` in a transaction, joining the one already open in this async context. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open);
    return this.dataSource.transaction((manager) => this.current.run(manager, () => work(manager)));
  }

  /** Runs `work` in a new transaction of its own, even inside another (e.g. recording a denial). */
  runDetached<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.current.exit(() =>
      this.dataSource.transaction((manager) => this.current.run(manager, () => work(manager))),
    );
  }
}

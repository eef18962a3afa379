package io.floe.control.store;

import io.floe.control.testing.InMemoryOperationStore;
import io.floe.control.testing.InMemoryPipelineStore;

/** The store contract on the in-memory stores that unit tests use in place of the database. */
class InMemoryStoreTest extends StoreContractTest {
  @Override
  protected Stores openStores() {
    return new Stores(new InMemoryPipelineStore(), new InMemoryOperationStore());
  }

  @Override
  protected void emptyStores() {
    pipelines = new InMemoryPipelineStore();
    operations = new InMemoryOperationStore();
  }

  @Override
  protected void closeStores() {}
}

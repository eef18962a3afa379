package io.floe.control.testing;

import io.floe.control.model.Event;
import io.floe.control.model.Operation;
import io.floe.control.model.OperationType;
import io.floe.control.store.OperationStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Freezes the control plane right after a redrive committed rows to the table and before it
 * recorded that progress, as a process killed at that instant would be: the test then closes the
 * context and starts a new one on the same database, which repeats the batch. An initializer, not a
 * configuration class, so that no component scan ever picks it up.
 */
public final class FreezeAfterRedriveCommit
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {
  private static final Pattern LOADED_SOME = Pattern.compile("\"loaded\":[1-9]");

  /** Counted down once a redrive committed and the control plane froze. */
  public static volatile CountDownLatch frozen = new CountDownLatch(1);

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context
        .getBeanFactory()
        .addBeanPostProcessor(
            new BeanPostProcessor() {
              @Override
              public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof OperationStore store ? new Freezing(store) : bean;
              }
            });
  }

  private record Freezing(OperationStore delegate) implements OperationStore {
    @Override
    public void update(Operation operation) {
      if (operation.type() == OperationType.REDRIVE
          && LOADED_SOME.matcher(operation.progress("report").orElse("")).find()) {
        frozen.countDown();
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("killed after the redrive's commit");
      }
      delegate.update(operation);
    }

    @Override
    public void insert(Operation operation) {
      delegate.insert(operation);
    }

    @Override
    public Optional<Operation> find(String id) {
      return delegate.find(id);
    }

    @Override
    public List<Operation> list(String pipeline, int limit) {
      return delegate.list(pipeline, limit);
    }

    @Override
    public Optional<Operation> nextUnfinished(String pipeline) {
      return delegate.nextUnfinished(pipeline);
    }

    @Override
    public Set<String> pipelinesWithUnfinished() {
      return delegate.pipelinesWithUnfinished();
    }

    @Override
    public Map<String, Operation> findAll(Collection<String> ids) {
      return delegate.findAll(ids);
    }

    @Override
    public void append(Event event) {
      delegate.append(event);
    }

    @Override
    public List<Event> events(String pipeline, int limit) {
      return delegate.events(pipeline, limit);
    }

    @Override
    public void deleteAll(String pipeline) {
      delegate.deleteAll(pipeline);
    }
  }
}

package io.floe.control.testing;

import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RunSubmission;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.runtime.SavepointOutcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Freezes the control plane right after the runtime accepted a run and before the control plane
 * recorded it, as a process killed at that instant would be: the test then closes the context and
 * starts a new one on the same database. An initializer, not a configuration class, so that no
 * component scan ever picks it up.
 */
public final class CrashAfterSubmit
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {
  /** Counted down once the run was submitted and the control plane froze. */
  public static volatile CountDownLatch frozen = new CountDownLatch(1);

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context.getBeanFactory().addBeanPostProcessor(freezeAfterSubmit());
  }

  private static BeanPostProcessor freezeAfterSubmit() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (!(bean instanceof RuntimeRegistry registry)) {
          return bean;
        }
        Map<String, PipelineRuntime> wrapped = new HashMap<>();
        for (String target : registry.targets()) {
          wrapped.put(target, new Freezing(registry.forTarget(target)));
        }
        return new RuntimeRegistry(wrapped, registry.defaultTarget());
      }
    };
  }

  private record Freezing(PipelineRuntime delegate) implements PipelineRuntime {
    @Override
    public Optional<RunObservation> observe(String runId) {
      return delegate.observe(runId);
    }

    @Override
    public void submit(RunSubmission submission) {
      delegate.submit(submission);
      frozen.countDown();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("killed after submitting " + submission.runId());
    }

    @Override
    public void stopWithSavepoint(String runId, String triggerId) {
      delegate.stopWithSavepoint(runId, triggerId);
    }

    @Override
    public SavepointOutcome savepoint(String runId, String triggerId) {
      return delegate.savepoint(runId, triggerId);
    }

    @Override
    public boolean rescaleInPlace(String runId, int parallelism) {
      return delegate.rescaleInPlace(runId, parallelism);
    }

    @Override
    public List<String> liveRuns(String pipeline) {
      return delegate.liveRuns(pipeline);
    }

    @Override
    public void cancel(String runId) {
      delegate.cancel(runId);
    }

    @Override
    public List<String> retainedCheckpoints(String runId) {
      return delegate.retainedCheckpoints(runId);
    }
  }
}

package io.floe.control.scale;

import static java.util.Objects.requireNonNull;

import io.floe.control.catalog.Tables;
import io.floe.control.kafka.KafkaTopics;
import io.floe.control.runtime.PipelineRuntime;
import io.floe.control.runtime.RunObservation;
import io.floe.control.runtime.RuntimeRegistry;
import io.floe.control.store.PipelineStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Wraps the control plane's seams to the outside (its pipeline store, tables, Kafka and runtimes)
 * so that the benchmark sees every call without a change to the control plane: it counts the calls
 * by caller (reconciler, health monitor, maintenance, API) and notes when passes begin and end. An
 * initializer, not a configuration class, so that no component scan ever picks it up.
 */
final class Instrumentation
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {
  /** What the thread calling is doing. */
  enum Caller {
    RECONCILE,
    HEALTH,
    MAINTENANCE,
    API,
    OTHER
  }

  private static final StackWalker STACK = StackWalker.getInstance();
  private final CallCounts calls;
  private final PassLog passes;
  private final ThreadLocal<Caller> scheduledTask = new ThreadLocal<>();

  Instrumentation(CallCounts calls, PassLog passes) {
    this.calls = requireNonNull(calls, "calls is null");
    this.passes = requireNonNull(passes, "passes is null");
  }

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context
        .getBeanFactory()
        .addBeanPostProcessor(
            new BeanPostProcessor() {
              @Override
              public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof PipelineStore
                    || bean instanceof Tables
                    || bean instanceof KafkaTopics) {
                  return wrap(bean);
                }
                if (bean instanceof RuntimeRegistry registry) {
                  Map<String, PipelineRuntime> runtimes = new HashMap<>();
                  for (String target : registry.targets()) {
                    runtimes.put(
                        target, (PipelineRuntime) wrap(registry.find(target).orElseThrow()));
                  }
                  return new RuntimeRegistry(runtimes, registry.defaultTarget());
                }
                return bean;
              }
            });
  }

  private Object wrap(Object bean) {
    String seam =
        bean instanceof PipelineStore
            ? "store"
            : bean instanceof Tables ? "tables" : bean instanceof KafkaTopics ? "kafka" : "runtime";
    Class<?>[] interfaces = ClassUtils.getAllInterfacesForClass(bean.getClass());
    InvocationHandler handler = (proxy, method, args) -> call(seam, bean, method, args);
    return Proxy.newProxyInstance(bean.getClass().getClassLoader(), interfaces, handler);
  }

  private Object call(String seam, Object bean, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return method.invoke(bean, args);
    }
    if (seam.equals("store")
        && (method.getName().equals("list") || method.getName().equals("names"))) {
      Caller task = classifyByStack();
      if (task != Caller.API && task != Caller.OTHER) {
        scheduledTask.set(task);
      }
      if (task != Caller.API) {
        calls.count("pass threads", task.name().toLowerCase() + " on " + threadName());
      }
      long now = System.nanoTime();
      if (task == Caller.RECONCILE) {
        passes.reconcilePassStarted(now);
      } else if (task == Caller.HEALTH) {
        passes.healthPassStarted(now);
      }
    }
    Caller caller = caller();
    calls.count(seam + " " + method.getName(), caller.name().toLowerCase());
    try {
      Object result = method.invoke(bean, args);
      long end = System.nanoTime();
      if (caller == Caller.HEALTH) {
        passes.healthCallEnded(end);
      } else if (caller == Caller.RECONCILE) {
        passes.reconcileCallEnded(end);
      }
      if (caller == Caller.RECONCILE
          && seam.equals("runtime")
          && method.getName().equals("observe")
          && result instanceof Optional<?> observation
          && observation.isPresent()
          && observation.get() instanceof RunObservation) {
        passes.reconcileObserved((String) args[0], end);
      }
      return result;
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The thread's name without its number. */
  private static String threadName() {
    return Thread.currentThread().getName().replaceAll("-?[0-9]+$", "-N");
  }

  private Caller caller() {
    String thread = Thread.currentThread().getName();
    if (thread.startsWith("floe-reconciler")) {
      return Caller.RECONCILE;
    }
    if (thread.startsWith("floe-health")) {
      return Caller.HEALTH;
    }
    if (thread.startsWith("http-nio")) {
      return Caller.API;
    }
    Caller task = scheduledTask.get();
    return task == null ? Caller.OTHER : task;
  }

  private static Caller classifyByStack() {
    return STACK.walk(
        frames ->
            frames
                .map(frame -> frame.getClassName())
                .map(
                    name ->
                        switch (name) {
                          case "io.floe.control.reconcile.Reconciler" -> Caller.RECONCILE;
                          case "io.floe.control.health.HealthMonitor" -> Caller.HEALTH;
                          case "io.floe.control.maintenance.MaintenanceScheduler" ->
                              Caller.MAINTENANCE;
                          default -> null;
                        })
                .filter(caller -> caller != null)
                .findFirst()
                .orElse(
                    Thread.currentThread().getName().startsWith("http-nio")
                        ? Caller.API
                        : Caller.OTHER));
  }
}

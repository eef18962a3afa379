package io.floe.control.scale;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * API traffic at a steady rate from several clients while the control plane works: each client
 * sends its share of the rate on a fixed schedule, cycling through a mix of requests, and each
 * latency runs from the moment the request was due (a late client does not hide a slow server). A
 * client that falls behind sends back to back until the window ends; what it could not send is left
 * out, so the requests answered per second say what the server sustained.
 */
final class ApiLoad {
  /** One kind of request: its name in the report and how it is made for the i-th pipeline. */
  record Kind(String name, int weight, IntFunction<HttpRequest> request) {}

  private final List<Kind> mix;
  private final int clients;
  private final int requestsPerSecond;

  ApiLoad(List<Kind> mix, int clients, int requestsPerSecond) {
    this.mix = List.copyOf(requireNonNull(mix, "mix is null"));
    if (clients < 1 || requestsPerSecond < clients) {
      throw new IllegalArgumentException("need at least one client and one request/s each");
    }
    this.clients = clients;
    this.requestsPerSecond = requestsPerSecond;
  }

  /** The kinds in proportion to their weights, in an order that spreads them. */
  static List<Kind> schedule(List<Kind> mix) {
    int total = mix.stream().mapToInt(Kind::weight).sum();
    List<Kind> order = new ArrayList<>();
    double[] credit = new double[mix.size()];
    for (int slot = 0; slot < total; slot++) {
      int best = 0;
      for (int k = 0; k < mix.size(); k++) {
        credit[k] += mix.get(k).weight() / (double) total;
        if (credit[k] > credit[best]) {
          best = k;
        }
      }
      credit[best] -= 1;
      order.add(mix.get(best));
    }
    return order;
  }

  /**
   * What the load saw, by kind: latencies from the moment each request was due and service times
   * from the moment it was sent (ms), answers that were not 2xx; requests sent and the time from
   * the first due moment to the last answer.
   */
  record Result(
      Map<String, List<Double>> latencies,
      Map<String, List<Double>> serviceTimes,
      Map<String, Long> failures,
      long sent,
      Duration elapsed) {
    /** Requests answered per second. */
    double throughput() {
      return sent * 1000.0 / Math.max(1, elapsed.toMillis());
    }
  }

  /** Sends the load for {@code duration} to pipelines 0..pipelines-1 in turn. */
  Result run(Duration duration, int pipelines) throws InterruptedException {
    AtomicInteger names = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            clients,
            task -> {
              Thread thread = new Thread(task, "bench-api-" + names.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(workers)
            .build();
    List<Kind> order = schedule(mix);
    Map<String, List<Double>> latencies = new ConcurrentHashMap<>();
    Map<String, List<Double>> serviceTimes = new ConcurrentHashMap<>();
    AtomicLong lastAnswer = new AtomicLong();
    Map<String, Long> failures = new ConcurrentHashMap<>();
    AtomicLong sent = new AtomicLong();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) * clients / requestsPerSecond;
    long begin = System.nanoTime();
    long end = begin + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread thread =
          new Thread(
              () -> {
                long due = begin + periodNanos * client / clients;
                int i = client;
                while (due < end && System.nanoTime() < end) {
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    try {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                  Kind kind = order.get(i % order.size());
                  HttpRequest request = kind.request().apply((i * 7919) % pipelines);
                  i++;
                  sent.incrementAndGet();
                  long sentAt = System.nanoTime();
                  try {
                    HttpResponse<Void> response =
                        http.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() / 100 != 2) {
                      failures.merge(kind.name() + " " + response.statusCode(), 1L, Long::sum);
                    }
                  } catch (Exception e) {
                    failures.merge(kind.name() + " " + e.getClass().getSimpleName(), 1L, Long::sum);
                  }
                  long answered = System.nanoTime();
                  lastAnswer.accumulateAndGet(answered, Math::max);
                  latencies
                      .computeIfAbsent(
                          kind.name(), k -> Collections.synchronizedList(new ArrayList<>()))
                      .add((answered - due) / 1_000_000.0);
                  serviceTimes
                      .computeIfAbsent(
                          kind.name(), k -> Collections.synchronizedList(new ArrayList<>()))
                      .add((answered - sentAt) / 1_000_000.0);
                  due += periodNanos;
                }
              },
              "bench-api-client-" + c);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    workers.shutdownNow();
    return new Result(
        new TreeMap<>(latencies),
        new TreeMap<>(serviceTimes),
        new TreeMap<>(failures),
        sent.get(),
        Duration.ofNanos(Math.max(lastAnswer.get(), begin) - begin));
  }

  static HttpRequest.Builder request(URI base, String path, String token) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
  }
}

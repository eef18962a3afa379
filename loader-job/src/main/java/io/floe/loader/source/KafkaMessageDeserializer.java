package io.floe.loader.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Keeps each Kafka record whole (bytes and metadata); parsing happens in the writer. */
public final class KafkaMessageDeserializer
    implements KafkaRecordDeserializationSchema<KafkaMessage> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaMessage> out) {
    List<KafkaMessage.Header> headers = List.of();
    Header[] recordHeaders = record.headers().toArray();
    if (recordHeaders.length > 0) {
      headers = new ArrayList<>(recordHeaders.length);
      for (Header header : recordHeaders) {
        headers.add(new KafkaMessage.Header(header.key(), header.value()));
      }
    }
    out.collect(
        new KafkaMessage(
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.key(),
            record.value(),
            headers));
  }

  @Override
  public TypeInformation<KafkaMessage> getProducedType() {
    return TypeInformation.of(KafkaMessage.class);
  }
}

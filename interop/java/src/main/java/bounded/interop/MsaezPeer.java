package bounded.interop;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.kafka.support.DefaultKafkaHeaderMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * A generated MSAEz (Spring Cloud Stream, Kafka binder) service on the wire, for interop tests.
 *
 * <pre>
 * publish &lt;bootstrap&gt; &lt;topic&gt; &lt;generation&gt; &lt;json-fields&gt; [key]
 *   json-fields: a JSON object with "eventType" (the event class's simple name) and the fields.
 *   generation:
 *     stream-listener   older AbstractEvent: timestamp "YYYYMMddHHmmss", "me":true in the body,
 *                       headers contentType only (no type header)
 *     typed-header      newer AbstractEvent: timestamp epoch ms, header type = eventType, mapped
 *                       by spring-kafka's DefaultKafkaHeaderMapper with String headers JSON-encoded
 *                       ("Paid"), as spring-kafka &lt;= 2.2 (Spring Cloud Stream 2.x) always wrote them
 *     typed-header-raw  the same through the mapper's defaults since spring-kafka 2.3 (Spring Cloud
 *                       Stream 3.x BinderHeaderMapper): type raw (Paid), still typed java.lang.String
 *                       in spring_json_header_types
 *   key: none by default, as the generated publish() sets none; given, a String key.
 *   Prints one JSON line: topic, partition, offset, key, value, headers (utf8 and hex).
 * publish &lt;bootstrap&gt; &lt;topic&gt; -
 *   The same for each JSON line {"generation": …, "fields": {…}, "key": …} on stdin, one producer.
 *
 * consume &lt;bootstrap&gt; &lt;topic&gt; &lt;group&gt; &lt;count&gt; &lt;timeoutMs&gt; [listenType]
 *   Reads from the group's position (earliest for a new group) until count records or the
 *   timeout, commits, and prints one JSON line per record as the generated consumer sees it:
 *   headers through DefaultKafkaHeaderMapper.toHeaders into MessageHeaders, the SpEL condition
 *   headers['type']=='&lt;listenType or the body's eventType&gt;' of @StreamListener evaluated on
 *   that Message, the body bound with Jackson as the AbstractEvent subclasses bind it.
 *   Exit status 2 when fewer than count records arrived.
 * </pre>
 */
public final class MsaezPeer {

	/** Spring Boot's ObjectMapper: unknown properties are ignored. */
	private static final ObjectMapper JSON = new ObjectMapper()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

	private MsaezPeer() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 4 && args[0].equals("publish") && args[3].equals("-")) {
			// Several events with one producer (one JVM start): JSON lines on stdin,
			// {"generation": …, "fields": {…}, "key": … or absent}.
			List<Outgoing> events = new ArrayList<>();
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				if (line.isBlank()) {
					continue;
				}
				JsonNode event = JSON.readTree(line);
				JsonNode key = event.path("key");
				events.add(new Outgoing(event.path("generation").asText(), event.path("fields").toString(),
						key.isNull() || key.isMissingNode() ? null : key.asText()));
			}
			publish(args[1], args[2], events);
		}
		else if (args.length >= 5 && args[0].equals("publish")) {
			publish(args[1], args[2], List.of(new Outgoing(args[3], args[4], args.length > 5 ? args[5] : null)));
		}
		else if (args.length >= 6 && args[0].equals("consume")) {
			int status = consume(args[1], args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5]),
					args.length > 6 ? args[6] : null);
			System.exit(status);
		}
		else {
			System.err.println("usage: MsaezPeer publish <bootstrap> <topic> stream-listener|typed-header|typed-header-raw"
					+ " <json-fields> [key]\n"
					+ "       MsaezPeer publish <bootstrap> <topic> -   (JSON lines {generation, fields, key} on stdin)\n"
					+ "       MsaezPeer consume <bootstrap> <topic> <group> <count> <timeoutMs> [listenType]");
			System.exit(64);
		}
	}

	// ---------------------------------------------------------------- publish

	record Outgoing(String generation, String fieldsJson, String key) {
	}

	static void publish(String bootstrap, String topic, List<Outgoing> events) throws Exception {
		Properties props = new Properties();
		props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
		props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
		props.put(ProducerConfig.CLIENT_ID_CONFIG, "msaez-peer-producer");
		// partitioner.class left unset: the default (murmur2 of the key; sticky without a key).
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
			for (Outgoing event : events) {
				ProducerRecord<String, String> record = record(topic, event.generation(), event.fieldsJson(), event.key());
				RecordMetadata sent = producer.send(record).get();
				ObjectNode out = JSON.createObjectNode();
				out.put("topic", sent.topic());
				out.put("partition", sent.partition());
				out.put("offset", sent.offset());
				out.put("key", record.key());
				out.put("value", record.value());
				out.set("headers", headersJson(record.headers()));
				System.out.println(JSON.writeValueAsString(out));
			}
		}
	}

	/** One event exactly as a generated service's AbstractEvent.publish() and the Kafka binder send it. */
	static ProducerRecord<String, String> record(String topic, String generation, String fieldsJson, String key)
			throws Exception {
		JsonNode given = JSON.readTree(fieldsJson);
		if (!(given instanceof ObjectNode fields) || !fields.path("eventType").isTextual()) {
			throw new IllegalArgumentException("json-fields must be an object with a string eventType");
		}
		String eventType = fields.get("eventType").asText();
		fields.remove("eventType");

		// The body: what Jackson writes for an AbstractEvent subclass (eventType, timestamp, the fields).
		ObjectNode body = JSON.createObjectNode();
		body.put("eventType", eventType);
		boolean older = generation.equals("stream-listener");
		if (older) {
			// The older template: new SimpleDateFormat("YYYYMMddHHmmss").format(new Date()), local time.
			body.put("timestamp", new SimpleDateFormat("YYYYMMddHHmmss").format(new Date()));
		}
		else if (generation.equals("typed-header") || generation.equals("typed-header-raw")) {
			body.put("timestamp", System.currentTimeMillis());
		}
		else {
			throw new IllegalArgumentException("unknown generation " + generation);
		}
		body.setAll(fields);
		if (older) {
			body.put("me", true); // the public isMe() getter, serialized by Jackson
		}
		String value = JSON.writeValueAsString(body);

		// The headers: AbstractEvent.publish() builds the Message, the binder maps its headers.
		MessageBuilder<String> message = MessageBuilder.withPayload(value)
				.setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON);
		if (!older) {
			message.setHeader("type", eventType);
		}
		DefaultKafkaHeaderMapper mapper = new DefaultKafkaHeaderMapper();
		mapper.setEncodeStrings(!generation.equals("typed-header-raw"));
		Headers headers = new RecordHeaders();
		mapper.fromHeaders(message.build().getHeaders(), headers);

		return new ProducerRecord<>(topic, null, key, value, headers);
	}

	// ---------------------------------------------------------------- consume

	static int consume(String bootstrap, String topic, String group, int count, long timeoutMs, String listenType)
			throws Exception {
		Properties props = new Properties();
		props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		props.put(ConsumerConfig.CLIENT_ID_CONFIG, "msaez-peer-consumer");
		props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a named group starts at the beginning
		props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");

		DefaultKafkaHeaderMapper mapper = new DefaultKafkaHeaderMapper(); // inbound: every header is mapped
		SpelExpressionParser spel = new SpelExpressionParser();
		List<String> lines = new ArrayList<>();
		long deadline = System.currentTimeMillis() + timeoutMs;
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
			consumer.subscribe(List.of(topic));
			while (lines.size() < count && System.currentTimeMillis() < deadline) {
				long left = Math.max(1, Math.min(500, deadline - System.currentTimeMillis()));
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(left))) {
					lines.add(JSON.writeValueAsString(describe(record, mapper, spel, listenType)));
				}
			}
			consumer.commitSync();
		}
		for (String line : lines) {
			System.out.println(line);
		}
		System.out.flush();
		if (lines.size() < count) {
			System.err.println("consume: " + lines.size() + " of " + count + " records within " + timeoutMs + " ms");
			return 2;
		}
		return 0;
	}

	private static ObjectNode describe(ConsumerRecord<String, String> record, DefaultKafkaHeaderMapper mapper,
			SpelExpressionParser spel, String listenType) throws Exception {
		Map<String, Object> mapped = new HashMap<>();
		mapper.toHeaders(record.headers(), mapped);
		Message<String> message = MessageBuilder.createMessage(record.value(), new MessageHeaders(mapped));
		Object type = message.getHeaders().get("type");

		GenericEvent event = JSON.readValue(record.value(), GenericEvent.class);
		String listensFor = listenType != null ? listenType
				: event.eventType != null ? event.eventType : String.valueOf(type);
		// @StreamListener(value = KafkaProcessor.INPUT, condition = "headers['type']=='Ordered'")
		String condition = "headers['type']=='" + listensFor.replace("'", "''") + "'";
		Boolean matches = spel.parseExpression(condition)
				.getValue(new StandardEvaluationContext(message), Boolean.class);

		ObjectNode out = JSON.createObjectNode();
		out.put("key", record.key());
		out.put("partition", record.partition());
		out.put("offset", record.offset());
		if (type == null) {
			out.putNull("typeHeader");
			out.putNull("typeHeaderClass");
		}
		else {
			out.put("typeHeader", type instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : type.toString());
			out.put("typeHeaderClass", type.getClass().getName());
		}
		out.put("condition", condition);
		out.put("conditionMatches", Boolean.TRUE.equals(matches));
		out.put("eventType", event.eventType);
		out.set("timestamp", JSON.valueToTree(event.timestamp));
		out.put("timestampClass", event.timestamp == null ? null : event.timestamp.getClass().getName());
		// AbstractEvent.isMe() / validate(): getEventType().equals(getClass().getSimpleName())
		out.put("isMe", listensFor.equals(event.eventType));
		ObjectNode binds = out.putObject("binds");
		binds.put("stream-listener", binds(record.value(), StreamListenerEvent.class));
		binds.put("typed-header", binds(record.value(), TypedHeaderEvent.class));
		out.set("fields", JSON.valueToTree(event.fields));
		out.set("headers", headersJson(record.headers()));
		ObjectNode mappedOut = out.putObject("mappedHeaders");
		for (Map.Entry<String, Object> entry : mapped.entrySet()) {
			Object v = entry.getValue();
			mappedOut.put(entry.getKey(), (v instanceof byte[] ? "byte[]" : v.getClass().getName()) + ":"
					+ (v instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : v.toString()));
		}
		return out;
	}

	private static boolean binds(String value, Class<?> type) {
		try {
			JSON.readValue(value, type);
			return true;
		}
		catch (Exception e) {
			return false;
		}
	}

	private static ArrayNode headersJson(Headers headers) {
		ArrayNode list = JSON.createArrayNode();
		for (Iterator<Header> it = headers.iterator(); it.hasNext();) {
			Header header = it.next();
			ObjectNode h = list.addObject();
			h.put("name", header.key());
			h.put("utf8", header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
			h.put("hex", header.value() == null ? null : hex(header.value()));
		}
		return list;
	}

	private static String hex(byte[] bytes) {
		StringBuilder sb = new StringBuilder(bytes.length * 2);
		for (byte b : bytes) {
			sb.append(String.format("%02x", b));
		}
		return sb.toString();
	}

	// ---------------------------------------------------------------- the events as Java sees them

	/** Any event: the AbstractEvent properties plus whatever fields its subclass declares. */
	public static final class GenericEvent {

		public String eventType;

		/** String in the older generation, Long in the newer. */
		public Object timestamp;

		public final Map<String, Object> fields = new LinkedHashMap<>();

		@JsonAnySetter
		public void field(String name, Object value) {
			if (!name.equals("me")) {
				this.fields.put(name, value);
			}
		}

	}

	/** The older generated AbstractEvent: String eventType, String timestamp, isMe(). */
	public static class StreamListenerEvent {

		public String eventType;

		public String timestamp;

	}

	/** The newer generated AbstractEvent: String eventType, Long timestamp, validate(). */
	public static class TypedHeaderEvent {

		public String eventType;

		public Long timestamp;

	}

}

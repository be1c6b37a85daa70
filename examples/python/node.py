#!/usr/bin/env python3
"""A fedz node in Python: joins a fedz federation next to Swift `fedz-node` processes.

Written from docs/PROTOCOL.md with pyzmq and numpy only (Debian: python3-zmq,
python3-numpy). It trains on MNIST any network the federation trains that is made of
dense layers and activations (relu, tanh, sigmoid): the built-in `mlp`, or a model
definition the coordinator sends when asked (`definition_request`; the node checks that
the definition hashes to its architecture name). It hosts the same clients, with the
same data, as a Swift node started with the same --clients, --node-index, --node-count
and --seed would: the IID split and the per-client shuffles reproduce the Swift code's
seeded generator exactly (PROTOCOL.md, "Client data").

    python3 examples/python/node.py --id node-2 --keys keys/ \\
        --coordinator-publish tcp://127.0.0.1:7001 --coordinator-pull tcp://127.0.0.1:7002 \\
        --clients 6 --node-index 2 --node-count 3

One thread runs everything: the loop polls the subscriber, sends hellos or
heartbeats on time, and trains in slices of a few milliseconds in between, so
heartbeats keep flowing while a client trains. SIGTERM or SIGINT stops it cleanly.
"""

import argparse
import gzip
import hashlib
import json
import logging
import os
import random
import signal
import time
from dataclasses import dataclass

# Mini-batches are small and the node shares its cores with others: one BLAS thread
# (as the Swift nodes do), unless the caller says otherwise. Must precede numpy's import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import zmq  # noqa: E402

PROTOCOL_VERSION = 1
TOPIC_PREFIX = f"fedz/{PROTOCOL_VERSION}/"
ROUND_TOPIC = TOPIC_PREFIX + "round/"
MODEL_TOPIC = TOPIC_PREFIX + "model/"
REPORT_TOPIC = TOPIC_PREFIX + "report/"
COORDINATOR = "coordinator"

# The built-in `mlp` as a model definition (models/mlp.toml): 784-200-200-10 with ReLU.
MLP = {"name": "mlp", "input": [28, 28], "head": "classification", "layers": [
    {"dense": {"outputs": 200, "initialization": "he-uniform"}}, {"relu": {}},
    {"dense": {"outputs": 200, "initialization": "he-uniform"}}, {"relu": {}},
    {"dense": {"outputs": 10, "initialization": "glorot-uniform"}}]}
ACTIVATIONS = {"relu", "tanh", "sigmoid"}

# Bounds from PROTOCOL.md, "Rejections".
MAX_HEADER_BYTES = 1 << 20
MAX_TENSORS = 256
MAX_ELEMENTS = 64 << 20
MAX_MESSAGE_BYTES = 64 << 20

LIVENESS = 3  # silent heartbeat intervals before a peer counts as gone
MAX_HELLO_BACKOFF = 8.0  # seconds
MODEL_REQUEST_INTERVAL = 1.0  # seconds
TRAINING_SLICE = 0.05  # seconds of training between two looks at the sockets

MNIST_MEAN = np.float32(0.1307)
MNIST_STD = np.float32(0.3081)
MNIST_TRAIN = {
    "images": ("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "labels": ("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
}

MASK64 = (1 << 64) - 1
log = logging.getLogger("fedz.node.py")


# ---------------------------------------------------------------------------
# Seeded randomness, bit for bit the Swift SeededGenerator and Array.shuffle
# ---------------------------------------------------------------------------


class SeededGenerator:
    """xoshiro256** seeded through SplitMix64 (Sources/Learning/SeededGenerator.swift)."""

    def __init__(self, seed):
        mixer = seed & MASK64
        state = []
        for _ in range(4):
            mixer = (mixer + 0x9E3779B97F4A7C15) & MASK64
            z = mixer
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            state.append(z ^ (z >> 31))
        self.state = state

    def next(self):
        """The next 64 random bits."""
        s0, s1, s2, s3 = self.state
        result = (_rotate_left((s1 * 5) & MASK64, 7) * 9) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotate_left(s3, 45)
        self.state = [s0, s1, s2, s3]
        return result

    def below(self, bound):
        """A uniform integer in 0..<bound, as Swift's `next(upperBound:)` (Lemire's method)."""
        product = self.next() * bound
        if product & MASK64 < bound:
            threshold = ((1 << 64) - bound) % bound
            while product & MASK64 < threshold:
                product = self.next() * bound
        return product >> 64

    def shuffle(self, items):
        """Shuffles the list in place exactly as Swift's `MutableCollection.shuffle(using:)`."""
        for index in range(len(items) - 1):
            other = index + self.below(len(items) - index)
            items[index], items[other] = items[other], items[index]


def _rotate_left(value, bits):
    """Rotates a 64-bit value left."""
    return ((value << bits) | (value >> (64 - bits))) & MASK64


# ---------------------------------------------------------------------------
# Client data: the Swift nodes' IID split of the MNIST training set
# ---------------------------------------------------------------------------


def iid_partition(count, clients, seed):
    """Sample indices of every client: a seeded shuffle of 0..<count cut into parts
    whose sizes differ by at most one, the first `count % clients` one larger."""
    order = list(range(count))
    SeededGenerator(seed).shuffle(order)
    base, extra = divmod(count, clients)
    parts, start = [], 0
    for client in range(clients):
        length = base + (1 if client < extra else 0)
        parts.append(np.array(order[start:start + length], dtype=np.int64))
        start += length
    return parts


def read_idx(path, sha256):
    """The unsigned-byte array in a gzip-compressed IDX file, after checking the file's SHA-256."""
    with open(path, "rb") as file:
        compressed = file.read()
    actual = hashlib.sha256(compressed).hexdigest()
    if actual != sha256:
        raise ValueError(f"{path}: SHA-256 {actual}, expected {sha256}")
    raw = gzip.decompress(compressed)
    if raw[0:3] != b"\x00\x00\x08":
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * axis:8 + 4 * axis], "big") for axis in range(rank))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def load_clients(directory, clients, node_index, node_count, seed):
    """The MNIST training data of this node's clients (client c lives on node c mod N),
    as {client id: (features [n, 784] float32, labels [n] int64)}."""
    images = read_idx(os.path.join(directory, MNIST_TRAIN["images"][0]), MNIST_TRAIN["images"][1])
    labels = read_idx(os.path.join(directory, MNIST_TRAIN["labels"][0]), MNIST_TRAIN["labels"][1])
    table = (np.arange(256, dtype=np.float32) / np.float32(255) - MNIST_MEAN) / MNIST_STD
    parts = iid_partition(len(labels), clients, seed)
    return {
        client: (table[images[parts[client]].reshape(-1, 784)], labels[parts[client]].astype(np.int64))
        for client in range(node_index, clients, node_count)
    }


# ---------------------------------------------------------------------------
# Wire format
# ---------------------------------------------------------------------------


class ProtocolError(Exception):
    """A message that fails validation; `reason` is one of PROTOCOL.md's rejection reasons."""

    def __init__(self, reason, detail):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class Message:
    """A decoded message: topic, header fields, kind-specific body and tensors."""

    topic: str
    header: dict
    body: dict
    tensors: list  # [(name, numpy float32 array of its shape)]


def encode(topic, header, body, tensors=()):
    """The frames of a message: topic, JSON header (with `body`), one little-endian float32
    frame per (name, array) tensor."""
    document = dict(header, body=body, tensors=[
        {"name": name, "dtype": "float32", "shape": list(values.shape)} for name, values in tensors])
    header_bytes = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    return [topic.encode(), header_bytes] + [values.astype("<f4").tobytes() for _, values in tensors]


def decode(frames):
    """Validates frames in PROTOCOL.md's order and returns a Message, or raises ProtocolError."""
    if len(frames) < 2:
        raise ProtocolError("malformed", f"{len(frames)} frame(s)")
    try:
        topic = frames[0].decode()
    except UnicodeDecodeError:
        raise ProtocolError("malformed", "topic is not UTF-8") from None
    if not (topic.startswith("fedz/") and topic.endswith("/")):
        raise ProtocolError("malformed", f"topic {topic!r}")
    if len(frames[1]) > MAX_HEADER_BYTES:
        raise ProtocolError("oversized", f"header of {len(frames[1])} bytes")
    header = decode_header(frames[1])
    if header["protocolVersion"] != PROTOCOL_VERSION:
        raise ProtocolError("wrong_version", f"protocol version {header['protocolVersion']}")
    descriptors = header["tensors"]
    if len(descriptors) > MAX_TENSORS:
        raise ProtocolError("oversized", f"{len(descriptors)} tensors")
    if len(frames) != 2 + len(descriptors):
        raise ProtocolError("frame_count", f"{len(frames) - 2} frame(s) for {len(descriptors)} descriptor(s)")
    tensors = [decode_tensor(descriptor, frame) for descriptor, frame in zip(descriptors, frames[2:])]
    body = header.pop("body", {})
    if not isinstance(body, dict):
        raise ProtocolError("bad_body", "body is not an object")
    return Message(topic, header, body, tensors)


def decode_header(data):
    """The header JSON object, with its required fields checked for type."""
    try:
        header = json.loads(data, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError("bad_header", f"not JSON: {error}") from None
    if not isinstance(header, dict):
        raise ProtocolError("bad_header", "not a JSON object")
    required = {"protocolVersion": int, "kind": str, "sender": str, "incarnation": int, "tensors": list}
    for name, kind in required.items():
        if not _is(header.get(name), kind):
            raise ProtocolError("bad_header", f"field {name!r} missing or not {kind.__name__}")
    for name in ("round", "modelVersion"):
        if header.get(name) is not None and not _is(header[name], int):
            raise ProtocolError("bad_header", f"field {name!r} is not an integer")
    if not 0 <= header["incarnation"] <= MASK64:
        raise ProtocolError("bad_header", "incarnation out of range")
    for descriptor in header["tensors"]:
        if not (isinstance(descriptor, dict) and _is(descriptor.get("name"), str)
                and _is(descriptor.get("dtype"), str) and isinstance(descriptor.get("shape"), list)
                and all(_is(dimension, int) for dimension in descriptor["shape"])):
            raise ProtocolError("bad_header", "a tensor descriptor lacks name, dtype or integer shape")
    return header


def decode_tensor(descriptor, frame):
    """A (name, float32 array) from a descriptor and its frame, checked for dtype, shape,
    size, length and finiteness."""
    name, shape = descriptor["name"], tuple(descriptor["shape"])
    if descriptor["dtype"] != "float32" or any(dimension <= 0 for dimension in shape):
        raise ProtocolError("bad_shape", f"tensor {name}: {descriptor['dtype']} {list(shape)}")
    elements = 1
    for dimension in shape:
        elements *= dimension
        if elements > MAX_ELEMENTS:
            raise ProtocolError("oversized", f"tensor {name}: shape {list(shape)}")
    if len(frame) != 4 * elements:
        raise ProtocolError("truncated", f"tensor {name}: {len(frame)} bytes for shape {list(shape)}")
    values = np.frombuffer(frame, dtype="<f4").astype(np.float32).reshape(shape)
    if not np.isfinite(values).all():
        raise ProtocolError("non_finite", f"tensor {name} holds NaN or infinity")
    return name, values


def _reject_constant(name):
    """Refuses the non-standard JSON constants NaN and Infinity that Python would accept."""
    raise ValueError(f"{name} is not JSON")


def _is(value, kind):
    """Whether a JSON value has the type; booleans are not integers here."""
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def body_field(message, name, kind):
    """A required body field of the given type, or ProtocolError("bad_body")."""
    value = message.body.get(name)
    if kind is float and _is(value, int):
        value = float(value)
    if not _is(value, kind):
        raise ProtocolError("bad_body", f"{message.header['kind']}: field {name!r} missing or not {kind.__name__}")
    return value


def model_hash(weights):
    """SHA-256 (hex) over each tensor's shape (`784x200`), a zero byte and its little-endian bytes."""
    digest = hashlib.sha256()
    for values in weights:
        digest.update("x".join(str(dimension) for dimension in values.shape).encode() + b"\0")
        digest.update(values.astype("<f4").tobytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Local training: the 2NN with softmax cross-entropy and mini-batch SGD
# ---------------------------------------------------------------------------


@dataclass
class TrainingConfig:
    """A round's training settings (round_start `training`), with this client's seed."""

    epochs: int
    batch_size: int
    learning_rate: np.float32
    seed: int


def client_seed(seed, round_number, client):
    """The seed one client uses in one round, as the Swift `TrainingConfig.forClient`."""
    mixed = (seed ^ ((round_number * 0x9E3779B97F4A7C15) & MASK64)
             ^ ((client * 0xBF58476D1CE4E5B9) & MASK64))
    return SeededGenerator(mixed).next()


def architecture_name(definition):
    """The name fedz registers a definition under: its name, "#" and 12 hex digits of the
    SHA-256 of its canonical JSON (keys sorted, no spaces), as `ModelZoo.architectureName`."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return definition["name"][:51] + "#" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


class Network:
    """A network of dense layers and activations for 784 MNIST features and 10 classes,
    from a model definition: its tensors in wire order, and the loss and gradients of a batch
    (softmax cross-entropy, as fedz trains a classifier)."""

    def __init__(self, architecture, definition):
        self.architecture = architecture
        if definition.get("head") != "classification" or int(np.prod(definition.get("input", [0]))) != 784:
            raise ValueError(f"{architecture}: this node trains classifiers of MNIST's 784 features")
        self.layers, self.specs, features = [], [], 784
        for layer in definition.get("layers", []):
            (kind, fields), = layer.items()
            if kind == "dense":
                outputs = int(fields["outputs"])
                index = len(self.specs) // 2
                self.specs += [(f"dense{index}.weight", (features, outputs)), (f"dense{index}.bias", (outputs,))]
                features = outputs
            elif kind not in ACTIVATIONS:
                raise ValueError(f"{architecture}: a {kind} layer; this node trains dense layers and {sorted(ACTIVATIONS)}")
            self.layers.append(kind)
        if features != 10:
            raise ValueError(f"{architecture}: {features} outputs; MNIST has 10 classes")

    def weights(self, tensors):
        """The tensors as this network's weights, provided names and shapes match exactly."""
        if [(name, values.shape) for name, values in tensors] != self.specs:
            raise ProtocolError("bad_shape", f"tensors do not fit {self.architecture}: "
                                + ", ".join(f"{name} {list(values.shape)}" for name, values in tensors))
        return [values for _, values in tensors]

    def loss_and_gradients(self, weights, features, labels):
        """Summed softmax cross-entropy loss of a batch and the gradients of its mean."""
        inputs, parameters, x = [], iter(weights), features
        for kind in self.layers:
            inputs.append(x)
            if kind == "dense":
                x = x @ next(parameters) + next(parameters)
            elif kind == "relu":
                x = np.maximum(x, 0)
            elif kind == "tanh":
                x = np.tanh(x)
            else:
                x = (1 / (1 + np.exp(-x))).astype(np.float32)
        shifted = (x - x.max(axis=1, keepdims=True)).astype(np.float64)
        exponentials = np.exp(shifted)
        sums = exponentials.sum(axis=1)
        rows = np.arange(len(labels))
        loss_sum = float(np.sum(np.log(sums) - shifted[rows, labels]))
        gradient = (exponentials / sums[:, None]).astype(np.float32) / np.float32(len(labels))
        gradient[rows, labels] -= np.float32(1) / np.float32(len(labels))
        gradients, index = [], len(weights)
        for kind, x_in in zip(reversed(self.layers), reversed(inputs)):
            if kind == "dense":
                index -= 2
                gradients = [x_in.T @ gradient, gradient.sum(axis=0)] + gradients
                gradient = gradient @ weights[index].T
            elif kind == "relu":
                gradient = gradient * (x_in > 0)
            elif kind == "tanh":
                gradient = gradient * (1 - np.tanh(x_in) ** 2)
            else:
                sigmoid = 1 / (1 + np.exp(-x_in))
                gradient = (gradient * sigmoid * (1 - sigmoid)).astype(np.float32)
        return loss_sum, gradients


def sgd_steps(network, weights, features, labels, config):
    """Trains `weights` in place, one mini-batch SGD step per iteration (this is a
    generator, so that the caller can interleave networking); returns the mean loss over
    every sample processed, each measured before its step. The order is reshuffled every
    epoch from the config's seed, as the Swift trainer does."""
    generator = SeededGenerator(config.seed)
    order = list(range(len(labels)))
    total = 0.0
    for _ in range(config.epochs):
        generator.shuffle(order)
        for start in range(0, len(order), config.batch_size):
            batch = order[start:start + config.batch_size]
            loss_sum, gradients = network.loss_and_gradients(weights, features[batch], labels[batch])
            if not np.isfinite(loss_sum):
                raise FloatingPointError("training loss is not finite")
            total += loss_sum
            for parameter, gradient in zip(weights, gradients):
                parameter -= config.learning_rate * gradient
            yield
    return total / max(len(labels) * config.epochs, 1)


class LocalTraining:
    """One client's training in one round, advanced a slice at a time."""

    def __init__(self, network, start, client, global_weights, data):
        self.network = network
        self.start = start
        self.client = client
        self.global_weights = global_weights
        self.local_weights = [values.copy() for values in global_weights]
        self.samples = len(data[1])
        config = TrainingConfig(
            epochs=start.training["epochs"], batch_size=start.training["batchSize"],
            learning_rate=np.float32(start.training["learningRate"]),
            seed=client_seed(start.training["seed"], start.round, client))
        self.steps = sgd_steps(network, self.local_weights, data[0], data[1], config)
        self.mean_loss = None

    def advance(self, seconds):
        """Trains for up to `seconds`; True once training is complete (then `mean_loss` is set)."""
        until = time.monotonic() + seconds
        try:
            while time.monotonic() < until:
                next(self.steps)
        except StopIteration as finished:
            self.mean_loss = finished.value
            return True
        return False

    def delta(self):
        """The update's tensors: local − global, named like the model's tensors."""
        return [(name, local - old) for (name, _), local, old
                in zip(self.network.specs, self.local_weights, self.global_weights)]


# ---------------------------------------------------------------------------
# The node
# ---------------------------------------------------------------------------


@dataclass
class RoundStart:
    """The parts of a round_start body a node acts on."""

    round: int
    model_version: int
    model_hash: str
    clients: list
    training: dict


def parse_round_start(message, node_id):
    """The round start's fields, checked for type; `clients` are this node's assignments."""
    assignments = body_field(message, "assignments", dict)
    clients = assignments.get(node_id, [])
    training = body_field(message, "training", dict)
    if not (isinstance(clients, list) and all(_is(client, int) for client in clients)
            and _is(training.get("epochs"), int) and training["epochs"] >= 0
            and _is(training.get("batchSize"), int) and training["batchSize"] > 0
            and (_is(training.get("learningRate"), float) or _is(training.get("learningRate"), int))
            and training["learningRate"] > 0
            and _is(training.get("seed"), int) and 0 <= training["seed"] <= MASK64):
        raise ProtocolError("bad_body", "round_start: ill-typed assignments or training")
    body_field(message, "deadlineSeconds", float)
    return RoundStart(
        round=body_field(message, "round", int), model_version=body_field(message, "modelVersion", int),
        model_hash=body_field(message, "modelHash", str), clients=clients, training=training)


class Node:
    """A fedz node: membership, model versions, training and updates over two sockets."""

    def __init__(self, args, clients, context):
        self.id = args.id
        # The network trained: the built-in mlp when asked for, else what the coordinator says.
        self.network = Network("mlp", MLP) if args.model == "mlp" else None
        self.interval = args.heartbeat_interval
        self.clients = clients
        self.incarnation = int(time.time() * 1_000_000)
        self.subscriber = context.socket(zmq.SUB)
        self.pusher = context.socket(zmq.PUSH)
        self.coordinator_incarnation = None
        self.last_heard = None
        self.welcomed = False
        self.hello_attempts = 0
        self.next_beat = 0.0
        self.model = None  # (version, hash, weights)
        self.pending = None  # the latest RoundStart with work for this node
        self.done = set()  # clients of `pending` already trained or failed
        self.training = None
        self.last_model_request = (None, 0.0)
        self.rejections = {}
        self.updates_sent = 0
        self._connect(args)

    def _connect(self, args):
        """Sets every socket option (CURVE first) and connects both sockets."""
        for socket in (self.subscriber, self.pusher):
            socket.linger = 100
            socket.sndhwm = socket.rcvhwm = 1000
            socket.maxmsgsize = MAX_MESSAGE_BYTES
            socket.immediate = 1
            socket.sndtimeo = int(self.interval * 1000)
            if args.keys:
                secret = read_key(os.path.join(args.keys, f"{args.id}.key"))
                socket.curve_secretkey = secret
                socket.curve_publickey = zmq.curve_public(secret)
                socket.curve_serverkey = read_key(os.path.join(args.keys, "coordinator.pub"))
        for topic in (ROUND_TOPIC, MODEL_TOPIC, f"{TOPIC_PREFIX}node/{self.id}/"):
            self.subscriber.subscribe(topic.encode())
        self.subscriber.connect(args.coordinator_publish)
        self.pusher.connect(args.coordinator_pull)

    def run(self, stopping):
        """Serves the federation until `stopping()` is true."""
        while not stopping():
            now = time.monotonic()
            if now >= self.next_beat:
                self._beat(now)
            busy = self._work()
            timeout = 0 if busy else min(0.1, max(self.next_beat - time.monotonic(), 0))
            if self.subscriber.poll(int(timeout * 1000), zmq.POLLIN):
                self._drain()

    def close(self):
        """Closes both sockets (unsent messages linger 100 ms)."""
        self.subscriber.close()
        self.pusher.close()

    # Membership ----------------------------------------------------------------

    def _beat(self, now):
        """Says hello until welcomed, then heartbeats; schedules the next beat."""
        if self.welcomed and now - self.last_heard > LIVENESS * self.interval:
            log.warning("coordinator silent for %d intervals; joining again", LIVENESS)
            self.welcomed = False
        if self.network is None:
            self._push("definition_request", {})
            self.next_beat = now + self.interval
            return
        if self.welcomed:
            self._push("heartbeat", {})
            self.next_beat = now + self.interval
            return
        clients = [{"id": client, "samples": len(data[1])} for client, data in sorted(self.clients.items())]
        self._push("hello", {"clients": clients, "architecture": self.network.architecture})
        step = min(max(self.interval, MAX_HELLO_BACKOFF), self.interval * 2 ** min(self.hello_attempts, 30))
        self.hello_attempts += 1
        self.next_beat = now + step / 2 + step / 2 * random.random()

    # Receiving -----------------------------------------------------------------

    def _drain(self):
        """Handles every message waiting on the subscriber."""
        while True:
            try:
                frames = self.subscriber.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            try:
                self._handle(decode(frames))
            except ProtocolError as error:
                self._reject(error)

    def _reject(self, error):
        """Counts a rejected message by reason; logs the first of each reason."""
        count = self.rejections.get(error.reason, 0) + 1
        self.rejections[error.reason] = count
        if count == 1:
            log.warning("message rejected: %s", error)

    def _handle(self, message):
        """Checks the sender and its incarnation, then acts on the message's kind."""
        header = message.header
        if header["sender"] != COORDINATOR:
            raise ProtocolError("unexpected", f"message from {header['sender']}")
        self._observe_coordinator(header["incarnation"])
        kind = header["kind"]
        if kind == "welcome":
            if body_field(message, "incarnation", int) == self.incarnation and not self.welcomed:
                self.welcomed = True
                self.hello_attempts = 0
                self.next_beat = time.monotonic() + self.interval  # not the rest of a hello backoff
                log.info("joined the federation as %s with clients %s", self.id, sorted(self.clients))
        elif kind == "model_definition":
            self._accept_definition(message)
        elif kind == "rejoin":
            self.welcomed = False
        elif kind == "model":
            self._accept_model(message)
        elif kind == "round_start":
            self._accept_round_start(parse_round_start(message, self.id))
        elif kind != "heartbeat":
            raise ProtocolError("unexpected", f"kind {kind}")

    def _observe_coordinator(self, incarnation):
        """Drops messages of an old coordinator; after a restart forgets everything it said."""
        known = self.coordinator_incarnation
        if known is not None and incarnation < known:
            raise ProtocolError("unexpected", "message from an old coordinator incarnation")
        if known is not None and incarnation > known:
            log.info("the coordinator restarted; joining again")
            self.welcomed = False
            self.model, self.pending, self.training, self.done = None, None, None, set()
        self.coordinator_incarnation = incarnation
        self.last_heard = time.monotonic()

    def _accept_definition(self, message):
        """Takes the federation's network from the coordinator's answer: the built-in mlp by
        name, or a definition whose content hashes to its architecture name."""
        if self.network is not None:
            return
        architecture = body_field(message, "architecture", str)
        definition = message.body.get("definition")
        if definition is None and architecture != "mlp":
            raise ProtocolError("unexpected", f"built-in {architecture} is not made of dense layers")
        if definition is not None and (not isinstance(definition, dict) or architecture_name(definition) != architecture):
            raise ProtocolError("checksum", f"the definition does not hash to {architecture}")
        try:
            self.network = Network(architecture, definition or MLP)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ProtocolError("unexpected", f"cannot train {architecture}: {error}")
        self.next_beat = 0.0  # say hello now
        log.info("the federation trains %s", architecture)

    def _accept_model(self, message):
        """Keeps the model version just received if its weights fit the network and match their hash."""
        architecture = body_field(message, "architecture", str)
        announced = body_field(message, "hash", str)
        version = message.header.get("modelVersion")
        if self.network is None or architecture != self.network.architecture or version is None:
            raise ProtocolError("unexpected", f"model for {architecture}, version {version}")
        if self.model is not None and (version, announced) == self.model[:2]:
            return
        weights = self.network.weights(message.tensors)
        if model_hash(weights) != announced:
            raise ProtocolError("checksum", f"model {version} does not match its hash")
        self.model = (version, announced, weights)

    def _accept_round_start(self, start):
        """Takes a round with work for this node; a newer round replaces an older one."""
        if not start.clients or (self.pending is not None and start.round <= self.pending.round):
            return
        self.pending, self.done = start, set()
        log.info("round %d: training clients %s", start.round, start.clients)

    # Training and sending ------------------------------------------------------

    def _work(self):
        """Advances the current training, or starts the next client; True while training."""
        if self.training is not None and self.training.start is not self.pending:
            log.info("round %d replaced; dropping client %d", self.training.start.round, self.training.client)
            self.training = None
        if self.training is not None:
            try:
                if self.training.advance(TRAINING_SLICE):
                    self._send_update(self.training)
                    self.training = None
            except FloatingPointError as error:
                self._push_failure(self.training.start, self.training.client, str(error))
                self.training = None
            return True
        start = self.pending
        client = next((c for c in start.clients if c not in self.done), None) if start else None
        if client is None:
            return False
        if self.model is None or self.model[:2] != (start.model_version, start.model_hash):
            self._request_model(start.model_version)
            return False
        self.done.add(client)
        if client not in self.clients:
            self._push_failure(start, client, f"client {client} is not hosted here")
            return True
        self.training = LocalTraining(self.network, start, client, self.model[2], self.clients[client])
        return True

    def _request_model(self, version):
        """Asks for a model version, at most once a second."""
        last_version, last_time = self.last_model_request
        if version == last_version and time.monotonic() - last_time < MODEL_REQUEST_INTERVAL:
            return
        self.last_model_request = (version, time.monotonic())
        self._push("model_request", {"version": version})

    def _send_update(self, training):
        """Pushes a finished client's weight delta."""
        start = training.start
        delta = training.delta()
        body = {"client": training.client, "samples": training.samples, "trainLoss": training.mean_loss,
                "hash": model_hash([values for _, values in delta])}
        if self._push("update", body, start, delta):
            self.updates_sent += 1
            log.info("update sent round=%d client=%d samples=%d loss=%.4f",
                     start.round, training.client, training.samples, training.mean_loss)

    def _push_failure(self, start, client, reason):
        """Tells the coordinator a client could not train."""
        log.warning("client %d failed to train: %s", client, reason)
        self._push("training_failed", {"client": client, "reason": reason}, start)

    def _push(self, kind, body, start=None, tensors=()):
        """Sends one message to the coordinator; False if it could not be queued in time."""
        header = {"protocolVersion": PROTOCOL_VERSION, "kind": kind, "sender": self.id,
                  "incarnation": self.incarnation}
        if start is not None:
            header.update(round=start.round, modelVersion=start.model_version)
        try:
            self.pusher.send_multipart(encode(REPORT_TOPIC, header, body, tensors))
            return True
        except zmq.Again:
            log.debug("push of %s timed out", kind)
            return False


def read_key(path):
    """A Z85 key file's key (one line of 40 characters) as bytes."""
    with open(path, "rb") as file:
        key = file.read().strip()
    if len(key) != 40:
        raise ValueError(f"{path}: not a 40-character Z85 key")
    return key


def default_data_dir():
    """`$FEDZ_DATA_DIR/mnist`, else the project's own data/mnist next to this script."""
    if "FEDZ_DATA_DIR" in os.environ:
        return os.path.join(os.environ["FEDZ_DATA_DIR"], "mnist")
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "mnist")


def parse_arguments():
    """The command line, mirroring `fedz-node`'s flags."""
    parser = argparse.ArgumentParser(description="A fedz node in Python (dense networks on MNIST, IID split).")
    parser.add_argument("--id", required=True, help="this node's id (unique in the federation)")
    parser.add_argument("--coordinator-publish", default="tcp://127.0.0.1:7001", help="the coordinator's PUB endpoint")
    parser.add_argument("--coordinator-pull", default="tcp://127.0.0.1:7002", help="the coordinator's PULL endpoint")
    parser.add_argument("--clients", type=int, default=100, help="clients in the whole federation (K)")
    parser.add_argument("--node-index", type=int, default=0, help="this node hosts clients index, index+count, …")
    parser.add_argument("--node-count", type=int, default=1, help="number of nodes sharing the clients")
    parser.add_argument("--seed", type=int, default=1, help="seed of the data split (must match across nodes)")
    parser.add_argument("--model", choices=["mlp"], help="the built-in mlp; default: ask the coordinator")
    parser.add_argument("--data-dir", default=default_data_dir(), help="directory of the MNIST IDX .gz files")
    parser.add_argument("--heartbeat-interval", type=float, default=1.0, help="seconds between heartbeats")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    security = parser.add_mutually_exclusive_group(required=True)
    security.add_argument("--keys", help="directory with NODE_ID.key and coordinator.pub (CurveZMQ)")
    security.add_argument("--plaintext", action="store_true", help="no encryption (tests and debugging only)")
    args = parser.parse_args()
    if args.clients <= 0 or args.node_count <= 0 or not 0 <= args.node_index < args.node_count:
        parser.error("need --clients > 0 and 0 <= --node-index < --node-count")
    if args.heartbeat_interval <= 0:
        parser.error("--heartbeat-interval must be positive")
    return args


def main():
    """Loads this node's client data, joins the federation and serves until SIGTERM or SIGINT."""
    args = parse_arguments()
    logging.basicConfig(level=args.log_level.upper(), format=f"%(asctime)s %(levelname)s {args.id}: %(message)s")
    stop = []
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda received, _frame: stop.append(received))
    # A launcher may hand down a signal mask that blocks them (Foundation's Process does).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    clients = load_clients(args.data_dir, args.clients, args.node_index, args.node_count, args.seed)
    log.info("loaded %d client(s): %s", len(clients), {client: len(data[1]) for client, data in clients.items()})
    context = zmq.Context()
    node = Node(args, clients, context)
    try:
        node.run(lambda: bool(stop))
    finally:
        node.close()
        context.term()
    log.info("stopped by %s; %d update(s) sent; rejected: %s",
             signal.Signals(stop[0]).name, node.updates_sent, node.rejections)


if __name__ == "__main__":
    main()

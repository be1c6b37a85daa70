#!/usr/bin/env python3
"""A TCP proxy that adds a fixed one-way delay to every byte, in both directions.

    delay_proxy.py LISTEN_HOST:PORT TARGET_HOST:PORT DELAY_MS [LISTEN TARGET …]

Each chunk read from one side is written to the other DELAY_MS after it arrived, in order,
so a connection through the proxy sees its round-trip time grow by 2 × DELAY_MS while its
throughput is unchanged. Several LISTEN TARGET pairs may follow the first. Standard library
only; stops on SIGTERM or SIGINT. Used by deploy/netns/run.sh (this kernel has no netem).
"""
import asyncio
import signal
import sys


async def pipe(reader, writer, delay):
    """Copies reader to writer, each chunk held back until `delay` after its arrival."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def forward():
        while True:
            due, chunk = await queue.get()
            if chunk is None:
                break
            await asyncio.sleep(max(0.0, due - loop.time()))
            writer.write(chunk)
            await writer.drain()
        writer.close()

    sender = asyncio.ensure_future(forward())
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            queue.put_nowait((loop.time() + delay, chunk))
    except ConnectionError:
        pass
    queue.put_nowait((0.0, None))
    try:
        await sender
    except ConnectionError:
        pass


def split(address):
    host, port = address.rsplit(":", 1)
    return host, int(port)


async def main(argv):
    if len(argv) < 3 or (len(argv) - 3) % 2 != 0:
        sys.exit(__doc__)
    delay = float(argv[2]) / 1000.0
    pairs = [(argv[0], argv[1])]
    rest = argv[3:]
    pairs += [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]

    servers = []
    for listen, target in pairs:
        target_host, target_port = split(target)

        async def handle(client_reader, client_writer, host=target_host, port=target_port):
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
            except OSError:
                client_writer.close()
                return
            await asyncio.gather(
                pipe(client_reader, upstream_writer, delay), pipe(upstream_reader, client_writer, delay))

        host, port = split(listen)
        servers.append(await asyncio.start_server(handle, host, port))
    print("delay proxy ready", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))

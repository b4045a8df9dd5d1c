"""Free loopback ports for the services a test starts."""
import socket


def free_ports(count):
    """`count` different free loopback ports. The sockets stay bound until all are chosen: asked
    one at a time, the kernel may hand out a port it has just handed out (a bench once started a
    service with its metrics on its own gRPC port)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            sockets.append(s)
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()

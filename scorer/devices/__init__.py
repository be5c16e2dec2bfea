"""Serial timing and measurement devices: pure protocol parsers (protocols/), the transport that
owns a port (transport.py), simulators, capture/replay, and binding readings to marks."""

#!/usr/bin/env python3
"""An OSDP reader for Gatehouse's tests: libosdp's PeripheralDevice (PyPI `libosdp`, an
independent implementation of OSDP) on a pseudo-terminal. It prints the terminal's path, then
takes commands on standard input, one per line, and reports on standard output:

  card BITS        a card read: BITS as 0s and 1s (raw Wiegand bits)
  keys TEXT        keypad keys (digits, * and #)
  tamper 0|1       the tamper switch, reported at the next status request
  silent           stop answering (unplugged); `answer` resumes
  quit

Reports: `tty PATH`, `sc_active` once a secure channel is up, `key KEYHEX` when a KEYSET gave
it a new key (the test checks the key it was given), `command NAME` for LED and buzzer commands.
"""
import argparse, os, sys, threading, time, tty

from osdp import PeripheralDevice, PDInfo, PDCapabilities, Capability, Channel, Command, Event, CardFormat, StatusReportType, LibFlag, LogLevel


class PtyChannel(Channel):
    def __init__(self, fd):
        super().__init__()
        self.fd = fd
        self.silent = False
        os.set_blocking(fd, False)

    def read(self, max_bytes):
        try:
            data = os.read(self.fd, max_bytes)
        except (BlockingIOError, OSError):
            return b""
        return b"" if self.silent else data

    def write(self, buf):
        if self.silent:
            return len(buf)
        try:
            return os.write(self.fd, buf)
        except OSError:
            return 0

    def flush(self):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", type=int, default=1)
    parser.add_argument("--scbk", help="the reader's key in hex; without it, the reader is on SCBK-D (install mode)")
    args = parser.parse_args()

    master, slave = os.openpty()
    tty.setraw(slave)
    channel = PtyChannel(master)
    state = {"tamper": 0}

    def handler(command):
        kind = command.get("command")
        if kind == Command.Keyset:
            print("key", command["data"].hex(), flush=True)
            return 0, None
        if kind == Command.Status:
            return 0, {"command": Command.Status, "type": StatusReportType.Local, "report": bytes([state["tamper"], 0])}
        if kind == Command.LED:
            print("command led", flush=True)
        elif kind == Command.Buzzer:
            print("command buzzer", flush=True)
        return 0, None

    scbk = bytes.fromhex(args.scbk) if args.scbk else None
    capabilities = PDCapabilities([
        (Capability.CommunicationSecurity, 1, 1), (Capability.LEDControl, 1, 1), (Capability.AudibleControl, 1, 1),
        (Capability.CardDataFormat, 1, 1), (Capability.ContactStatusMonitoring, 1, 1),
    ])
    flags = [] if scbk is None else [LibFlag.EnforceSecure]
    pd = PeripheralDevice(PDInfo(args.address, channel, scbk=scbk, flags=flags), capabilities, log_level=LogLevel.Error, command_handler=handler)
    pd.start()
    print("tty", os.ttyname(slave), flush=True)

    def watch_sc():
        active = False
        while True:
            now = pd.is_sc_active()
            if now and not active:
                print("sc_active", flush=True)
            active = now
            time.sleep(0.05)
    threading.Thread(target=watch_sc, daemon=True).start()

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "card":
            bits = words[1]
            padded = bits + "0" * (-len(bits) % 8)
            data = bytes(int(padded[i:i + 8], 2) for i in range(0, len(padded), 8))
            pd.submit_event({"event": Event.CardRead, "reader_no": 0, "direction": 0, "length": len(bits), "format": CardFormat.Wiegand, "data": data})
        elif words[0] == "keys":
            pd.submit_event({"event": Event.KeyPress, "reader_no": 0, "data": words[1].encode()})
        elif words[0] == "tamper":
            state["tamper"] = int(words[1])
            pd.submit_event({"event": Event.Status, "type": StatusReportType.Local, "report": bytes([state["tamper"], 0])})
        elif words[0] == "silent":
            channel.silent = True
        elif words[0] == "answer":
            channel.silent = False
        elif words[0] == "quit":
            break
    pd.teardown()


if __name__ == "__main__":
    main()

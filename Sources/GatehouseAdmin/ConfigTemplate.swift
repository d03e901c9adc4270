/// The commented configuration `gatehouse init` writes; config/gatehouse.toml is this text for
/// the example site (a test keeps the two equal).
public enum ConfigTemplate {
    /// The configuration text for a site and device, with paths relative to the file (the
    /// database in `state/`), or `database` where the packaged layout keeps it.
    public static func render(site: String, device: String, mqttURL: String? = nil, nfcConnection: String? = nil, database: String = "state/gatehouse.sqlite") -> String {
        let mqtt = mqttURL.map { url in
            """
            [mqtt]
            url = "\(url)"
            keepalive_s = 30
            protocol = "5"                      # "5" or "3.1.1"
            # client_id = "\(site)-\(device)"   # default: gatehouse-{site}-{device}
            # username = "\(device)"
            # password_file = "secrets/mqtt-password"
            # ca_file = "tls/ca.pem"            # mqtts:// only
            # cert_file = "tls/device.pem"      # mutual TLS: both cert_file and key_file
            # key_file = "tls/device.key"
            # window = 256                      # events in flight, waiting for the broker's PUBACK
            # reconnect_max_s = 60              # the longest wait between connection attempts
            """
        } ?? """
            # [mqtt]
            # url = "mqtts://broker.example:8883"   # mqtt://HOST:PORT or mqtts://HOST:PORT
            # keepalive_s = 30
            # protocol = "5"                        # "5" or "3.1.1"
            # username = "\(device)"
            # password_file = "secrets/mqtt-password"
            # ca_file = "tls/ca.pem"
            # cert_file = "tls/device.pem"          # mutual TLS: both cert_file and key_file
            # key_file = "tls/device.key"
            # window = 256                          # events in flight, waiting for the broker's PUBACK
            # reconnect_max_s = 60                  # the longest wait between connection attempts
            """
        let entryReader = nfcConnection.map { connection in
            """
            type = "nfc"
            connection = "\(connection)"            # a libnfc connection string (`gatehouse nfc list`)
            # poll_ms = 50                          # rest between two looks for a card
            # card_security = "desfire"             # "uid", "desfire" or "ntag424": cards prove they are genuine (card master keys in `secrets`)
            # repeat_after_s = 0                    # a card left on the reader counts again after this; 0: never
            """
        } ?? """
            type = "simulated"                      # fed by `gatehouse simulate`; or "nfc", "camera", "serial", "keyboard"
            """
        return """
            # Gatehouse device configuration.
            # Every key is described in docs/configuration.md. Relative paths are taken from
            # this file's directory. Check a change with `gatehouse check-config FILE`.

            # This device's site and id, as the HSSE platform knows them.
            # Ids are 1 to 64 characters from [A-Za-z0-9._:-]; the device id "all" is reserved.
            site = "\(site)"
            device = "\(device)"

            # The SQLite database: policy cache, runtime state and the event outbox.
            database = "\(database)"

            # The three trust sets of the wire contract: JWKS files of Ed25519 public keys.
            # A key trusted for one purpose is never trusted for another.
            [trust]
            bundle_keys = "keys/bundle.jwks"        # signs whitelist bundles
            invite_keys = "keys/invite.jwks"        # signs visitor QR tokens
            command_keys = "keys/command.jwks"      # signs remote commands

            # The site's MQTT broker: events out, bundles and commands in.
            \(mqtt)

            # The event outbox: every event is stored here first, then published.
            # [outbox]
            # max_events = 1000000                  # at this many, the oldest unpublished go, with an outbox_high alarm naming them
            # high_water = 800000                   # unpublished events that raise outbox_high (default: 80 % of max_events)
            # retention_h = 168                     # how long published events are kept

            # [storage]
            # low_free_mb = 64                      # less free space than this in the state directory raises storage_low

            # Choices the wire contract leaves to the device.
            [policy]
            clock_skew_s = 60                       # allowed clock skew on tokens and commands, seconds
            accept_uncached_invites = false         # let a valid token in by its own zones when its invite is not cached
            repeated_denials = 5                    # denials in a row at one reader that raise an alarm

            # Hardware backends: "simulated" logs what it would do; "gpiod" drives /dev/gpiochipN.
            [hardware]
            gpio = "simulated"

            # Who may use the control socket besides root and the daemon's user; its members may
            # also change the mode (`gatehouse mode`). Takes effect at the next start.
            # [control]
            # group = "gatehouse-ops"

            # Output lines: relays, buzzers, LEDs. safe_state is where a line rests when the
            # daemon is not driving it; a door's relay takes it from the door's fail_mode.
            [outputs.gate-relay]
            chip = "gpiochip0"
            line = 17
            active_low = false

            [outputs.gate-buzzer]
            chip = "gpiochip0"
            line = 18
            safe_state = "inactive"

            # Input lines. role: door_contact, exit_button, rotation, tamper or fire_alarm.
            [inputs.gate-contact]
            chip = "gpiochip0"
            line = 22
            role = "door_contact"
            debounce_ms = 50

            [inputs.gate-exit]
            chip = "gpiochip0"
            line = 23
            role = "exit_button"
            debounce_ms = 50

            [inputs.gate-tamper]
            chip = "gpiochip0"
            line = 24
            role = "tamper"                         # the reader housing's tamper switch: alarm.tamper
            debounce_ms = 50

            [inputs.fire-alarm]
            chip = "gpiochip0"
            line = 25
            role = "fire_alarm"                     # the fire panel's contact: starts an evacuation
            active_low = true
            debounce_ms = 50

            # Doors and turnstiles. A person going "in" through a door enters its zone.
            [doors.gate]
            kind = "door"                           # "door" or "turnstile"
            zone = "site"
            relay = "gate-relay"
            buzzer = "gate-buzzer"                  # sounds before door_held
            pulse_ms = 3000                         # how long a grant releases the lock
            held_open_s = 30                        # open longer than this raises door_held
            contact = "gate-contact"
            exit_button = "gate-exit"
            fail_mode = "secure"                    # "secure": locked without power; "safe": released
            stale_policy = "deny"                   # past the bundle's expiry: "deny" or "use_cache"

            # Readers: each serves a door in one direction, or is a patrol checkpoint, or both.
            [readers.gate-in]
            \(entryReader)
            door = "gate"
            direction = "in"

            [readers.gate-out]
            type = "simulated"
            door = "gate"
            direction = "out"

            # A Wiegand reader with a keypad (a PIN after the card where the zone requires one):
            # [readers.lab-keypad]
            # type = "wiegand"
            # chip = "gpiochip0"
            # d0 = 5                                # DATA0 and DATA1, through a level shifter
            # d1 = 6
            # formats = ["H10301", "C1000-35"]
            # door = "gate"
            # led = "gate-buzzer"                   # the reader's LED and beeper wires, as outputs
            #
            # An OSDP reader on RS-485, always in the Secure Channel; its key comes from the
            # secrets file (`secrets = "secrets.toml"` at the top): osdp_master_key or [osdp_keys].
            # [readers.lobby-osdp]
            # type = "osdp"
            # device = "/dev/ttyUSB0"
            # baud = 9600
            # address = 1
            # install = false                       # true while the reader may be commissioned from its default key
            # door = "gate"

            # A guards' patrol checkpoint: a guard's badge here is a visit (patrol.visited); the
            # routes that pass it come in the bundle.
            # [readers.north-fence]
            # type = "nfc"
            # connection = "pn532_uart:/dev/gatehouse/nfc-north"
            # checkpoint = "north-fence"
            # feedback = "gate-buzzer"              # a short beep confirms the visit

            """
    }
}

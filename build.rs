// The commands are named once here; tauri-plugin generates their allow-/deny- permissions and
// the capability schema from this list.
const COMMANDS: &[&str] = &[
    "track",
    "untrack",
    "tracked",
    "subscribe",
    "unsubscribe",
    "status",
    "ack",
];

fn main() {
    tauri_plugin::Builder::new(COMMANDS).build();
}

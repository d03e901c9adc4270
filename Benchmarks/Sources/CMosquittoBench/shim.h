// libmosquitto for the drain benchmark's baseline: publishing through its C API alone.
#include <mosquitto.h>

// libmosquitto: the header imports as is.
#include <mosquitto.h>
#include <mqtt_protocol.h>

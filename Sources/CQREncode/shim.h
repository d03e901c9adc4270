// libqrencode: the header imports as is.
#include <qrencode.h>

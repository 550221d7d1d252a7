#pragma once
// An event recording at a glance: events per pixel as an image beside the ON and OFF event rates over time.
#include <string>

#include "silicortex/io/events.hpp"

namespace scx::io {

std::string svg_events(const EventRecording& rec, const std::string& title);

}  // namespace scx::io

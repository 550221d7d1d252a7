#pragma once
// Where the data the project ships lie: chip profiles (chips/), trained networks (models/trained/) and
// training configurations (configs/train/).
#include <filesystem>

namespace scx {
// $SILICORTEX_DATA when set; else the source tree for a program (or Python module) run from its build tree;
// else <prefix>/share/silicortex above an installed program or module, where `cmake --install` puts them;
// else the source tree.
std::filesystem::path data_dir();
}  // namespace scx

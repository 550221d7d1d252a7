#pragma once
// scikit-learn's small bundled datasets (iris, wine, breast-cancer, 8x8 digits), read from the CSV files that
// Debian's python3-sklearn installs, without Python.
#include <filesystem>
#include <string>
#include <vector>

namespace scx::io {

struct TabularDataset {
  std::string name;
  size_t samples = 0, features = 0;
  std::vector<double> x;  // samples x features, row-major
  std::vector<int> y;     // class index per sample
  std::vector<std::string> class_names;
  size_t classes() const;
};

std::filesystem::path default_sklearn_data_dir();         // .../dist-packages/sklearn/datasets/data
const std::vector<std::string>& sklearn_dataset_names();  // iris, wine, breast-cancer, digits

// Throws scx::Error for an unknown name, a missing package (saying to install python3-sklearn) or a bad file
// (naming file, line and field).
TabularDataset load_sklearn_dataset(const std::string& name,
                                    const std::filesystem::path& dir = default_sklearn_data_dir());

}  // namespace scx::io

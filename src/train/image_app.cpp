#include "silicortex/train/image_app.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "silicortex/core/error.hpp"
#include "silicortex/io/svg.hpp"
#include "silicortex/train/encoding.hpp"
#include "silicortex/train/loss.hpp"
#include "train/ops.hpp"

namespace scx::train {
namespace {

struct WorkerResult {
  size_t chip_correct = 0, float_correct = 0, agree = 0;
  std::vector<std::vector<uint32_t>> confusion;
  std::vector<RasterSpike> raster;
  hw::EventCounters counters;
};

// Images worker, worker + threads, ...: chip and float prediction of each.
template <typename Deployment>
void run_worker(const TrainedNetwork& net, Deployment dep, const Dataset& data, int worker, int threads,
                std::atomic<size_t>& done, const std::function<void(size_t)>& progress, WorkerResult& r) {
  const TrainConfig& cfg = net.config;
  const SnnNetwork snn(cfg.layers, cfg.input, cfg.classes);
  Workspace ws;
  const size_t pixels = size_t(cfg.input.size());
  const int steps = cfg.encoding.steps;
  std::vector<float> x(size_t(steps) * pixels);
  r.confusion.assign(size_t(cfg.classes), std::vector<uint32_t>(size_t(cfg.classes), 0));
  for (size_t id = size_t(worker); id < data.count; id += size_t(threads)) {
    encode(cfg.encoding, cfg.train.seed, kEvalEpochKey, data.images.data(), pixels, &id, 1, x.data());
    hw::TrueNorthChip::SpikeSink sink;
    const uint64_t t0 = dep.chip().now();
    if (id == 0)
      sink = [&](uint64_t tick, const std::vector<hw::TnSpike>& spikes) {
        for (const auto& s : spikes) {
          const auto [layer, neuron] = dep.locate(s.core, s.neuron);
          if (neuron >= 0) r.raster.push_back({uint32_t(tick - t0), layer, neuron});
        }
      };
    const int chip_pred = predicted_class(dep.run(x.data(), sink));
    snn.forward(net.params, x.data(), steps, 1, ws);
    const std::vector<double> logits = output_logits(cfg.loss, ws, cfg.classes, 0);
    const int float_pred = int(std::max_element(logits.begin(), logits.end()) - logits.begin());
    const int label = data.labels[id];
    r.chip_correct += chip_pred == label;
    r.float_correct += float_pred == label;
    r.agree += chip_pred == float_pred;
    if (label < cfg.classes) ++r.confusion[size_t(label)][size_t(chip_pred)];
    const size_t n = done.fetch_add(1) + 1;
    if (worker == 0 && progress) progress(n);
  }
  r.counters = dep.chip().counters();
}

template <typename Deployment>
ImageAppResult run_app(const TrainedNetwork& net, const Deployment& dep, const Dataset& data, int threads,
                       const std::function<void(size_t)>& progress) {
  const TrainConfig& cfg = net.config;
  if (data.shape.size() != cfg.input.size())
    throw Error(fmt::format("images: {} pixels per image, but the network takes {}", data.shape.size(),
                            cfg.input.size()));
  threads = std::max(1, std::min<int>(threads, int(std::max<size_t>(1, data.count))));
  ops::prepare_gemm();  // before the workers, whose float reference multiplies matrices
  std::vector<WorkerResult> parts(static_cast<size_t>(threads));
  std::atomic<size_t> done{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  for (int w = 0; w < threads; ++w)
    pool.emplace_back([&, w] {
      try {
        run_worker(net, dep, data, w, threads, done, progress, parts[size_t(w)]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    });
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  ImageAppResult r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.images = data.count;
  r.confusion.assign(size_t(cfg.classes), std::vector<uint32_t>(size_t(cfg.classes), 0));
  for (const WorkerResult& p : parts) {
    r.chip_correct += p.chip_correct;
    r.float_correct += p.float_correct;
    r.agree += p.agree;
    r.counters += p.counters;
    for (size_t a = 0; a < r.confusion.size(); ++a)
      for (size_t b = 0; b < r.confusion.size(); ++b) r.confusion[a][b] += p.confusion[a][b];
    r.raster.insert(r.raster.end(), p.raster.begin(), p.raster.end());
  }
  return r;
}

template <typename Deployment>
std::string report_svg(const ImageAppResult& r, const Deployment& dep, const hw::EnergyReport& e,
                       const std::string& title) {
  namespace svg = io::svg;
  svg::Figure fig(1320, 470);
  fig.title(title);
  // Confusion matrix: cell shade = fraction of the true class.
  const size_t k = r.confusion.size();
  const double cell = 32, cx = 60, cy = 70;
  fig.text(cx, cy - 12,
           fmt::format("confusion matrix: accuracy {:.2f}% on {} images", 100 * r.accuracy(), r.images));
  for (size_t a = 0; a < k; ++a) {
    uint64_t row = 0;
    for (uint32_t v : r.confusion[a]) row += v;
    for (size_t b = 0; b < k; ++b) {
      const double f = row ? double(r.confusion[a][b]) / double(row) : 0.0;
      const int shade = int(255 - 200 * std::sqrt(f));
      fig.rect(cx + double(b) * cell, cy + double(a) * cell, cell - 1, cell - 1,
               fmt::format("rgb({},{},255)", shade, shade));
      if (r.confusion[a][b])
        fig.text(cx + (double(b) + 0.5) * cell, cy + (double(a) + 0.62) * cell,
                 std::to_string(r.confusion[a][b]), R"(text-anchor="middle" font-size="9")");
    }
    fig.text(cx - 6, cy + (double(a) + 0.62) * cell, std::to_string(a), R"(text-anchor="end")");
    fig.text(cx + (double(a) + 0.5) * cell, cy + double(k) * cell + 14, std::to_string(a),
             R"(text-anchor="middle")");
  }
  fig.text(cx + double(k) * cell / 2, cy + double(k) * cell + 32, "predicted on chip",
           R"(text-anchor="middle")");
  fig.text(cx - 34, cy + double(k) * cell / 2, "true class",
           fmt::format(R"x(text-anchor="middle" transform="rotate(-90 {} {})")x", cx - 34,
                       cy + double(k) * cell / 2));

  // Raster of image 0: one row per neuron, layers stacked.
  std::vector<int> offset(dep.layers().size() + 1, 0);
  for (size_t l = 0; l < dep.layers().size(); ++l) offset[l + 1] = offset[l] + dep.layers()[l].neurons;
  const svg::Axes ra({440, 70, 440, 320}, -0.5, double(dep.ticks_per_sample()) - 0.5, 0,
                     double(offset.back()));
  ra.draw(fig, "tick", "neuron (layers stacked)", "spike raster of test image 0");
  std::string& body = fig.body();
  for (size_t l = 0; l < dep.layers().size(); ++l) {
    body += fmt::format(R"(<path stroke="{}" stroke-width="1" d=")", svg::colour(l));
    for (const RasterSpike& s : r.raster)
      if (s.layer == int(l)) {
        const double y = ra.py(offset[l] + s.neuron + 0.5);
        body += "M";
        svg::append_num(body, ra.px(s.tick) - 4);
        body += ",";
        svg::append_num(body, y);
        body += "h8";
      }
    body += "\"/>\n";
  }
  std::vector<std::pair<std::string, std::string>> legend;
  for (size_t l = 0; l < dep.layers().size(); ++l)
    legend.push_back({fmt::format("layer {} ({} cores)", l, dep.layers()[l].cores), svg::colour(l)});
  ra.legend(fig, legend);

  // Energy per image by component (uJ), and the conventional processor.
  const double n = double(std::max<size_t>(1, r.images)) * 1e-6;
  const std::vector<std::pair<std::string, double>> parts = {{"synaptic", e.synaptic_j / n},
                                                             {"neuron", e.neuron_j / n},
                                                             {"spike", e.spike_j / n},
                                                             {"hops", e.hop_j / n},
                                                             {"chip links", e.crossing_j / n},
                                                             {"static", e.static_j / n},
                                                             {"conventional", e.conventional_j / n}};
  double top = 0;
  for (const auto& p : parts) top = std::max(top, p.second);
  const svg::Axes ea({1110, 70, 180, 320}, 0, double(parts.size()), 0, top * 1.1 + 1e-12);
  ea.draw(fig, "", "uJ per image", "energy per image");
  for (size_t i = 0; i < parts.size(); ++i) {
    const double x0 = ea.px(double(i) + 0.15), x1 = ea.px(double(i) + 0.85);
    const double y = ea.py(parts[i].second);
    fig.rect(x0, y, x1 - x0, ea.py(0) - y, i + 1 == parts.size() ? "#999" : svg::colour(i));
    fig.text((x0 + x1) / 2, ea.py(0) + 12, parts[i].first,
             fmt::format(R"x(text-anchor="end" font-size="9" transform="rotate(-45 {} {})")x", (x0 + x1) / 2,
                         ea.py(0) + 12));
  }
  return fig.str();
}

}  // namespace

ImageAppResult run_image_app(const TrainedNetwork& net, const LoihiDeployment& dep, const Dataset& data,
                             int threads, const std::function<void(size_t)>& progress) {
  return run_app(net, dep, data, threads, progress);
}
ImageAppResult run_image_app(const TrainedNetwork& net, const TrueNorthDeployment& dep, const Dataset& data,
                             int threads, const std::function<void(size_t)>& progress) {
  return run_app(net, dep, data, threads, progress);
}

std::string image_report_svg(const ImageAppResult& r, const LoihiDeployment& dep, const hw::EnergyReport& e,
                             const std::string& title) {
  return report_svg(r, dep, e, title);
}
std::string image_report_svg(const ImageAppResult& r, const TrueNorthDeployment& dep,
                             const hw::EnergyReport& e, const std::string& title) {
  return report_svg(r, dep, e, title);
}

}  // namespace scx::train

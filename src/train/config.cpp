#include "silicortex/train/config.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "io/toml_reader.hpp"
#include "silicortex/core/error.hpp"

namespace scx::train {

using namespace io::toml_detail;

namespace {

// The index of f's string among `names`, or an error listing them.
size_t choose(const Field& f, const std::vector<std::string>& names) {
  const std::string s = f.string();
  for (size_t i = 0; i < names.size(); ++i)
    if (s == names[i]) return i;
  f.fail(fmt::format("unknown value '{}'{}; expected one of {}", s, did_you_mean(s, names),
                     fmt::join(names, ", ")));
}

float read_float(TableReader& t, std::string_view key, float def) {
  auto f = t.get(key);
  return f ? float(f->number()) : def;
}
int read_count(TableReader& t, std::string_view key, int def) {
  auto f = t.get(key);
  return f ? int(f->positive_count()) : def;
}

// TrueNorth-class levels (2 or 4), in [quantization] or in one layer.
int read_levels(const Field& f) {
  const int levels = int(f.positive_count());
  if (levels != 2 && levels != 4)
    f.fail(fmt::format("{} levels; TrueNorth-class neurons have 2 or 4 signed levels (axon types)", levels));
  return levels;
}

const std::vector<std::string> kNeuronModels = {"none", "lif", "cuba"};

void read_neuron_fields(TableReader& t, NeuronSpec& n, bool* has_neuron) {
  if (auto f = t.get(has_neuron ? "neuron" : "model")) {
    n.model = NeuronModel(choose(*f, kNeuronModels));
    if (has_neuron) *has_neuron = true;
  }
  n.du = read_float(t, "du", n.du);
  n.dv = read_float(t, "dv", n.dv);
  n.vth = read_float(t, "vth", n.vth);
  n.surrogate_beta = read_float(t, "surrogate_beta", n.surrogate_beta);
  if (auto f = t.get("detach_reset")) n.detach_reset = f->boolean();
}

LayerSpec read_layer(TableReader t, const NeuronSpec& defaults, const std::string& file) {
  static const std::vector<std::string> kTypes = {"dense",   "conv",    "sumpool",
                                                  "avgpool", "flatten", "recurrent"};
  LayerSpec l;
  const Field type = t.require("type");
  l.kind = LayerKind(choose(type, kTypes));
  const auto o = t.origin();
  l.origin = fmt::format("{}:{}: {}", file, o.line, t.name());
  l.neuron = defaults;
  const bool pool = l.kind == LayerKind::SumPool || l.kind == LayerKind::AvgPool;
  l.has_neuron = !pool && l.kind != LayerKind::Flatten;
  if (l.kind == LayerKind::Dense || l.kind == LayerKind::Conv || l.kind == LayerKind::Recurrent)
    l.out = int(t.require("out").positive_count());
  if (l.kind == LayerKind::Conv) {
    l.kernel = int(t.require("kernel").positive_count());
    l.stride = read_count(t, "stride", 1);
    if (auto f = t.get("padding")) l.padding = int(f->index());
    l.groups = read_count(t, "groups", 1);
  }
  if (pool) l.kernel = int(t.require("size").positive_count());
  if (auto f = t.get("dropout")) {
    l.dropout = float(f->number());
    if (!(l.dropout >= 0 && l.dropout < 1)) f->fail(fmt::format("{} is outside [0, 1)", l.dropout));
  }
  if (auto f = t.get("levels")) l.levels = read_levels(*f);
  bool neuron_given = false;
  read_neuron_fields(t, l.neuron, &neuron_given);
  if (pool && neuron_given) l.has_neuron = l.neuron.model != NeuronModel::None;
  if (l.kind == LayerKind::Flatten && neuron_given) t.fail("a flatten layer has no neurons; remove 'neuron'");
  t.finish();
  return l;
}

std::string resolve(const Field& f, const std::filesystem::path& base) {
  const std::filesystem::path p = f.string();
  return (p.is_absolute() || base.empty() ? p : base / p).string();
}

}  // namespace

TrainConfig parse_train_config(std::string_view text, const std::string& source_name,
                               const std::filesystem::path& base_dir) {
  const toml::table doc = parse_document(text, source_name);
  TrainConfig c;
  c.source = source_name;
  c.text = std::string(text);
  TableReader root(doc, source_name, "");
  if (auto t = root.get("data")) {
    TableReader d = t->table();
    for (auto [key, dst] : {std::pair{"train_images", &c.data.train_images},
                            {"train_labels", &c.data.train_labels},
                            {"test_images", &c.data.test_images},
                            {"test_labels", &c.data.test_labels}})
      if (auto f = d.get(key)) *dst = resolve(*f, base_dir);
    if (auto f = d.get("train_limit")) c.data.train_limit = f->index();
    if (auto f = d.get("test_limit")) c.data.test_limit = f->index();
    if (auto f = d.get("validation")) c.data.validation = f->index();
    d.finish();
  }
  if (auto t = root.get("encoding")) {
    TableReader e = t->table();
    if (auto f = e.get("kind"))
      c.encoding.kind = EncodingKind(choose(*f, {"rate", "latency", "direct", "regular"}));
    c.encoding.steps = read_count(e, "steps", c.encoding.steps);
    c.encoding.max_rate = read_float(e, "max_rate", c.encoding.max_rate);
    c.encoding.latency_threshold = read_float(e, "latency_threshold", c.encoding.latency_threshold);
    c.encoding.bits = read_count(e, "bits", c.encoding.bits);
    if (c.encoding.bits > 8) e.get("bits")->fail("the direct encoding's payload has 1 to 8 bits");
    if (c.encoding.max_rate < 0 || c.encoding.max_rate > 1) e.get("max_rate")->fail("must be in [0, 1]");
    e.finish();
  }
  NeuronSpec defaults;
  if (auto t = root.get("neuron")) {
    TableReader n = t->table();
    read_neuron_fields(n, defaults, nullptr);
    n.finish();
  }
  auto layers = tables_of(root, "layers");
  if (layers.empty()) root.fail("missing required field 'layers' ([[layers]] tables)");
  for (auto& l : layers) c.layers.push_back(read_layer(l, defaults, source_name));
  if (auto t = root.get("loss")) {
    TableReader l = t->table();
    if (auto f = l.get("kind"))
      c.loss.kind = LossKind(choose(*f, {"count", "membrane-max", "membrane-mean"}));
    if (auto f = l.get("scale")) c.loss.scale = float(f->positive());
    l.finish();
  }
  if (auto t = root.get("optimizer")) {
    TableReader o = t->table();
    if (auto f = o.get("kind")) choose(*f, {"adam"});
    if (auto f = o.get("lr")) c.adam.lr = float(f->positive());
    c.adam.beta1 = read_float(o, "beta1", c.adam.beta1);
    c.adam.beta2 = read_float(o, "beta2", c.adam.beta2);
    if (auto f = o.get("eps")) c.adam.eps = float(f->positive());
    c.adam.lr_decay = read_float(o, "lr_decay", c.adam.lr_decay);
    if (!(c.adam.lr_decay > 0 && c.adam.lr_decay <= 1)) o.get("lr_decay")->fail("must be in (0, 1]");
    c.adam.weight_decay = read_float(o, "weight_decay", c.adam.weight_decay);
    if (!(c.adam.weight_decay >= 0 && c.adam.lr * c.adam.weight_decay < 1))
      o.get("weight_decay")->fail("must be >= 0 with lr * weight_decay < 1");
    o.finish();
  }
  if (auto t = root.get("training")) {
    TableReader r = t->table();
    c.train.epochs = read_count(r, "epochs", c.train.epochs);
    c.train.batch_size = read_count(r, "batch_size", c.train.batch_size);
    c.train.threads = read_count(r, "threads", c.train.threads);
    if (auto f = r.get("seed")) c.train.seed = f->index();
    if (auto f = r.get("init_gain")) c.init_gain = float(f->positive());
    if (auto f = r.get("shift")) c.train.shift = int(f->index());
    if (c.train.shift > 8) r.get("shift")->fail(fmt::format("{} pixels; at most 8", c.train.shift));
    if (auto f = r.get("flip")) c.train.flip = f->boolean();
    if (auto f = r.get("ema_decay")) {
      c.train.ema_decay = float(f->number());
      if (!(c.train.ema_decay >= 0 && c.train.ema_decay < 1)) f->fail("must be in [0, 1)");
    }
    r.finish();
  }
  if (auto t = root.get("quantization")) {
    TableReader q = t->table();
    if (auto f = q.get("kind")) c.quant.kind = QuantKind(choose(*f, {"none", "loihi", "truenorth"}));
    if (auto f = q.get("bits")) {
      c.quant.bits = int(f->positive_count());
      if (c.quant.bits < 2 || c.quant.bits > 16)
        f->fail(fmt::format("{} bits; must be 2 to 16", c.quant.bits));
    }
    if (auto f = q.get("levels")) c.quant.levels = read_levels(*f);
    if (auto f = q.get("scale")) c.quant.mse_scale = choose(*f, {"max", "mse"}) == 1;
    q.finish();
  }
  root.finish();
  for (const LayerSpec& l : c.layers)
    if (l.levels > 0 && c.quant.kind != QuantKind::TrueNorth)
      throw Error(
          fmt::format("{}.levels: a layer's own levels need [quantization] kind = \"truenorth\"", l.origin));
  return c;
}

TrainConfig read_train_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the training configuration", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_train_config(text.str(), path.string(), path.parent_path());
}

std::string resume_fingerprint(const TrainConfig& c) {
  std::string s = fmt::format(
      "in={}x{}x{} classes={} enc={},{},{},{},{} loss={},{} adam={},{},{},{},{} q={},{},{} "
      "batch={} seed={} gain={} shift={} flip={} wd={} train={},{},{}",
      c.input.c, c.input.h, c.input.w, c.classes, int(c.encoding.kind), c.encoding.steps, c.encoding.max_rate,
      c.encoding.latency_threshold, c.encoding.bits, int(c.loss.kind), c.loss.scale, c.adam.lr, c.adam.beta1,
      c.adam.beta2, c.adam.eps, c.adam.lr_decay, int(c.quant.kind), c.quant.bits, c.quant.levels,
      c.train.batch_size, c.train.seed, c.init_gain, c.train.shift, c.train.flip, c.adam.weight_decay,
      c.data.train_images, c.data.train_labels, c.data.train_limit);
  for (const LayerSpec& l : c.layers) {
    const NeuronSpec& n = l.neuron;
    s += fmt::format(" [{} {} {} {} {} {} {} {} {} {} {} {}]", int(l.kind), l.out, l.kernel, l.stride,
                     l.padding, l.has_neuron, int(n.model), n.du, n.dv, n.vth, n.surrogate_beta,
                     n.detach_reset);
    if (l.dropout > 0) s += fmt::format("d{}", l.dropout);  // absent when 0: older checkpoints still match
    if (l.groups > 1) s += fmt::format("g{}", l.groups);
    if (l.levels > 0) s += fmt::format("l{}", l.levels);
  }
  if (c.quant.mse_scale) s += " mse";
  if (c.train.ema_decay > 0) s += fmt::format(" ema={}", c.train.ema_decay);
  if (c.data.validation > 0) s += fmt::format(" val={}", c.data.validation);
  return s;
}

}  // namespace scx::train

// Diehl & Cook's unsupervised STDP network: labelling and voting on hand-made responses, identical learning
// for 1 and 2 threads, above-chance accuracy on the held-out 8x8 digits, and the CLI's help and errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "../cli/cli_runner.hpp"
#include "silicortex/core/atomic_file.hpp"
#include "silicortex/core/error.hpp"
#include "silicortex/io/sklearn_data.hpp"
#include "silicortex/train/stdp_images.hpp"

namespace scx::train {
namespace {

using ::testing::HasSubstr;

// A configuration out of range fails when the network is made, naming the field and the value; the defaults
// and the CLI's extremes (an intensity above max_intensity: one presentation per image) pass.
TEST(StdpImages, ConfigOutOfRangeNamesTheField) {
  auto message = [](auto change) {
    StdpImageConfig c;
    change(c);
    try {
      check_config(c);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message([](StdpImageConfig&) {}), "accepted");
  EXPECT_EQ(message([](StdpImageConfig& c) { c.intensity = 20; }), "accepted");
  EXPECT_THAT(message([](StdpImageConfig& c) { c.neurons = 0; }),
              HasSubstr("neurons = 0: must be at least 1"));
  EXPECT_THAT(message([](StdpImageConfig& c) { c.dt_ms = 0; }), HasSubstr("dt_ms = 0: must be finite"));
  EXPECT_THAT(message([](StdpImageConfig& c) { c.present_ms = 0.25; }),
              HasSubstr("present_ms = 0.25: must be at least one step"));
  EXPECT_THAT(message([](StdpImageConfig& c) { c.nu_pre = -1e-4; }), HasSubstr("nu_pre = -0.0001"));
  EXPECT_THAT(message([](StdpImageConfig& c) { c.tau_theta_ms = NAN; }), HasSubstr("tau_theta_ms = nan"));
  StdpImageConfig bad;
  bad.threads = 0;
  EXPECT_THROW(StdpImageNetwork{bad}, Error);
  StdpImageConfig small;
  small.inputs = 4, small.neurons = 2, small.present_ms = 5;
  StdpImageNetwork net(small);
  const std::vector<float> three(3, 0.5f);
  EXPECT_THROW(net.present(three, false), Error);  // an image of the wrong size
}

TEST(StdpImages, LabelsAreTheClassOfHighestMeanResponse) {
  // 3 neurons, 4 images of classes 0, 0, 1, 2. Neuron 0 answers class 0, neuron 1 class 2, neuron 2 never.
  const std::vector<uint32_t> responses{4, 0, 0, 2, 1, 0, 1, 0, 0, 0, 3, 0};
  const auto a = assign_labels(responses, {0, 0, 1, 2}, 3, 3);
  EXPECT_EQ(a, (std::vector<int>{0, 2, -1}));
  const std::vector<uint32_t> counts{1, 5, 9};
  EXPECT_EQ(classify(counts, a, 3), 2);  // neuron 2 is unlabelled and does not vote
  EXPECT_EQ(classify(std::vector<uint32_t>{0, 0, 9}, a, 3), -1);
  // The most active neuron names the class (the first of equals); no spikes or an unlabelled winner: -1.
  EXPECT_EQ(classify_top(std::vector<uint32_t>{4, 6, 0}, a), 2);
  EXPECT_EQ(classify_top(std::vector<uint32_t>{6, 6, 0}, a), 0);
  EXPECT_EQ(classify_top(std::vector<uint32_t>{0, 0, 0}, a), -1);
  EXPECT_EQ(classify_top(std::vector<uint32_t>{1, 0, 9}, a), -1);
}

TEST(StdpImages, WeightedVoteUsesEveryNeuronsClassShares) {
  // 2 neurons, 4 images of classes 0, 0, 1, 1. Neuron 0: mean 3 on class 0, 1 on class 1 (shares 3/4, 1/4);
  // neuron 1: 0 and 2 (shares 0, 1).
  const std::vector<uint32_t> responses{3, 0, 3, 0, 1, 2, 1, 2};
  const std::vector<int> labels{0, 0, 1, 1};
  const auto rates = class_rates(responses, labels, 2, 2);
  EXPECT_EQ(rates, (std::vector<double>{3, 0, 1, 2}));
  // Counts 4 and 3: the paper's vote compares the class means 4 and 3 and says 0; weighted, class 0 gets
  // 4 * 3/4 = 3 and class 1 gets 4 * 1/4 + 3 = 4.
  const std::vector<uint32_t> counts{4, 3};
  EXPECT_EQ(classify(counts, assign_labels(responses, labels, 2, 2), 2), 0);
  EXPECT_EQ(classify_weighted(counts, rates, 2), 1);
  EXPECT_EQ(classify_weighted(std::vector<uint32_t>{0, 0}, rates, 2), -1);
}

TEST(StdpImages, NearestPrototypeIsTheLargestCosineNotTheLargestDot) {
  // Two 2-pixel images; neuron 0 is long and points between them, neuron 1 short and along pixel 0.
  const ImageSet images{1, 2, {1.0f, 0.0f, 0.2f, 1.0f}, {0, 1}};
  const std::vector<double> weights{3, 3, 0.5, 0};
  // Image 0 (1, 0): dots 3 and 0.5, cosines 0.71 and 1 -> neuron 1. Image 1: cosines 0.83 and 0.20 -> 0.
  EXPECT_EQ(nearest_prototypes(weights, images), (std::vector<uint32_t>{1, 0}));
  const std::vector<double> silent{0, 0, 1, 1};  // a neuron without weights loses to any that has some
  EXPECT_EQ(nearest_prototypes(silent, images), (std::vector<uint32_t>{1, 1}));
}

// The first n digits (pixels 0..16 scaled to [0, 1]) and the next m.
std::pair<ImageSet, ImageSet> digits(size_t n, size_t m) {
  const io::TabularDataset t = io::load_sklearn_dataset("digits");
  ImageSet a{8, 8, {}, {}}, b{8, 8, {}, {}};
  for (size_t i = 0; i < n + m; ++i) {
    ImageSet& s = i < n ? a : b;
    for (size_t f = 0; f < 64; ++f) s.pixels.push_back(static_cast<float>(t.x[i * 64 + f] / 16.0));
    s.labels.push_back(t.y[i]);
  }
  return {a, b};
}

StdpImageConfig digits_config(uint32_t neurons, unsigned threads) {
  StdpImageConfig c;
  c.inputs = 64;
  c.neurons = neurons;
  c.weight_sum = 20;
  c.intensity = 8;
  c.max_intensity = 16;
  c.threads = threads;
  return c;
}

TEST(StdpImages, SameSeedSameLearningForOneAndTwoThreads) {
  const auto [train, test] = digits(40, 20);
  const auto one = train_and_test(digits_config(24, 1), train, train, test, StdpSchedule{});
  const auto two = train_and_test(digits_config(24, 2), train, train, test, StdpSchedule{});
  EXPECT_EQ(one.weights, two.weights);
  EXPECT_EQ(one.theta, two.theta);
  EXPECT_EQ(one.assignment, two.assignment);
  EXPECT_EQ(one.correct, two.correct);
  EXPECT_EQ(one.presentations, two.presentations);
  EXPECT_GT(*std::max_element(one.theta.begin(), one.theta.end()), 0.0);
}

TEST(StdpImages, InputSumMakesAnImageAndItsDimmerCopyTheSameInput) {
  const auto [train, unused] = digits(1, 0);
  std::vector<float> dim(train.pixels);
  for (float& p : dim) p *= 0.5f;
  auto counts = [&](const std::vector<float>& image, double input_sum) {
    StdpImageConfig c = digits_config(24, 1);
    c.input_sum = input_sum;
    StdpImageNetwork net(c);  // same seed: same weights and the same Poisson draws for the same rates
    return net.present(image, false);
  };
  EXPECT_EQ(counts(train.pixels, 20), counts(dim, 20));
  EXPECT_NE(counts(train.pixels, 0), counts(dim, 0));
}

TEST(StdpImages, EvalIntensityDrivesOnlyTheFrozenPresentations) {
  const auto [train, unused] = digits(1, 0);
  auto counts = [&](double intensity, double eval_intensity, bool learn) {
    StdpImageConfig c = digits_config(24, 1);
    c.intensity = intensity, c.eval_intensity = eval_intensity;
    StdpImageNetwork net(c);
    return net.present(train.pixels, learn);
  };
  EXPECT_EQ(counts(8, 14, false), counts(14, 0, false));
  EXPECT_NE(counts(8, 14, false), counts(8, 0, false));
  EXPECT_EQ(counts(8, 14, true), counts(8, 0, true));  // learning keeps --intensity
}

TEST(StdpImages, FrozenPresentationsLeaveWeightsAndThresholdsAlone) {
  const auto [train, unused] = digits(5, 0);
  StdpImageNetwork net(digits_config(12, 1));
  net.present(train.image(0), true);  // some thresholds above 0
  const auto w = net.weights(), theta = net.thresholds();
  for (size_t i = 1; i < 5; ++i) net.present(train.image(i), false);
  EXPECT_EQ(net.weights(), w);
  EXPECT_EQ(net.thresholds(), theta);
  net.present(train.image(1), true);
  EXPECT_NE(net.weights(), w);
}

TEST(StdpImages, EqualizedNeuronsLetTheBetterAlignedWeightsWin) {
  // An image of 16 bright and 16 half-bright pixels. Neuron 0's weights are the image itself (cosine 1),
  // neuron 1's the same sum on the 16 bright pixels only (cosine 0.89): with the larger dot product (4.8
  // against 4) and the lower threshold, neuron 1 wins. Equalized, the dot products are 4.68 and 4.19.
  std::vector<float> image(64, 0.0f);
  std::vector<double> w(2 * 64, 0.0);
  for (size_t i = 0; i < 32; ++i) image[i] = i < 16 ? 1.0f : 0.5f, w[i] = 0.2 * image[i];
  for (size_t i = 0; i < 16; ++i) w[64 + i] = 0.3;
  const std::vector<double> theta{8.0, 0.0};
  auto counts = [&](bool equalize, uint64_t seed) {
    StdpImageConfig c = digits_config(2, 1);
    c.seed = seed;
    StdpImageNetwork net(c);
    net.set_state(w, theta);
    if (equalize) net.equalize_neurons();
    return net.present(image, false);
  };
  for (uint64_t seed : {1, 2, 3, 4, 5}) {  // whatever the Poisson draws
    const auto as_learned = counts(false, seed), equalized = counts(true, seed);
    EXPECT_GT(as_learned[1], as_learned[0]) << seed;
    EXPECT_GT(equalized[0], equalized[1]) << seed;
  }

  StdpImageNetwork net(digits_config(2, 1));
  net.set_state(w, theta);
  net.equalize_neurons();
  const std::vector<double> e = net.weights();
  const double length0 = std::sqrt(std::inner_product(e.begin(), e.begin() + 64, e.begin(), 0.0));
  const double length1 = std::sqrt(std::inner_product(e.begin() + 64, e.end(), e.begin() + 64, 0.0));
  const double mean = (0.2 * std::sqrt(20.0) + 0.3 * 4) / 2;  // the lengths before: 0.894 and 1.2
  EXPECT_NEAR(length0, mean, 1e-6);
  EXPECT_NEAR(length1, mean, 1e-6);
  EXPECT_NEAR(e[0] / e[20], w[0] / w[20], 1e-6);  // directions kept
  EXPECT_EQ(net.thresholds(), (std::vector<double>{4.0, 4.0}));
}

TEST(StdpImages, FinalRateStartsAtTheFullRateAndThenSlowsLearning) {
  const auto [train, test] = digits(3, 2);
  auto weights = [&](size_t images, double final_rate) {
    StdpImageConfig c = digits_config(8, 1);
    c.final_rate = final_rate;
    const ImageSet first{train.rows, train.cols,
                         std::vector<float>(train.pixels.begin(), train.pixels.begin() + images * 64),
                         std::vector<int>(train.labels.begin(), train.labels.begin() + images)};
    return train_and_test(c, first, first, test, StdpSchedule{}).weights;
  };
  EXPECT_EQ(weights(1, 0.0), weights(1, 1.0));  // the first image learns at the full rate
  EXPECT_NE(weights(3, 0.0), weights(3, 1.0));
}

TEST(StdpImages, LearnsTheDigitsWellAboveChance) {
  // The dataset file is ordered by writer, not by class: the first 1000 to train, the next 300 to test.
  const auto [train, test] = digits(1000, 300);
  const auto rep = train_and_test(digits_config(64, 1), train, train, test, StdpSchedule{});
  EXPECT_EQ(rep.tested, 300u);
  EXPECT_GT(rep.accuracy(), 0.5);  // chance is 0.1; 64 neurons reach about 0.8
}

TEST(StdpImages, TrainingGoesOnFromASavedState) {
  const auto [train, test] = digits(30, 10);
  std::vector<std::vector<double>> weights, theta;
  std::vector<unsigned> epochs;
  std::vector<uint64_t> steps;
  StdpSchedule schedule;
  schedule.epochs = 2;
  schedule.after_epoch = [&](unsigned epoch, const StdpImageNetwork& net) {
    epochs.push_back(epoch), weights.push_back(net.weights()), theta.push_back(net.thresholds());
    steps.push_back(net.steps());
  };
  const auto two = train_and_test(digits_config(12, 1), train, train, test, schedule);
  ASSERT_EQ(epochs, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(weights[1], two.weights);  // the report holds the weights as learned
  EXPECT_EQ(theta[1], two.theta);
  EXPECT_NE(weights[0], weights[1]);

  // Restored into a network of another thread count: the same weights; with no epochs, nothing learns.
  StdpSchedule evaluate;
  evaluate.epochs = 0;
  evaluate.start_weights = weights[1], evaluate.start_theta_mv = theta[1];
  const auto again = train_and_test(digits_config(12, 2), train, train, test, evaluate);
  EXPECT_EQ(again.weights, weights[1]);
  EXPECT_EQ(again.theta, theta[1]);
  EXPECT_EQ(again.tested, 10u);
  // An equalized read-out still reports the weights and thresholds as learned.
  StdpImageConfig equalize = digits_config(12, 1);
  equalize.eval_equalize = true;
  const auto equalized = train_and_test(equalize, train, train, test, evaluate);
  EXPECT_EQ(equalized.weights, weights[1]);
  EXPECT_EQ(equalized.theta, theta[1]);
  // Going on from epoch 1 learns from there rather than from random weights.
  StdpSchedule resume;
  resume.start_weights = weights[0], resume.start_theta_mv = theta[0];
  const auto resumed = train_and_test(digits_config(12, 1), train, train, test, resume);
  EXPECT_NE(resumed.weights, weights[0]);
  EXPECT_GT(*std::min_element(resumed.theta.begin(), resumed.theta.end()),
            *std::min_element(theta[0].begin(), theta[0].end()));
  // ... and with the saved clock too it draws the same Poisson input as the uninterrupted run: the second
  // epoch, and the read-out after it, come out bit for bit (without the clock they do not).
  EXPECT_NE(resumed.weights, two.weights);
  ASSERT_GT(steps[0], 0u);
  resume.start_steps = steps[0];
  const auto continued = train_and_test(digits_config(12, 1), train, train, test, resume);
  EXPECT_EQ(continued.weights, two.weights);
  EXPECT_EQ(continued.theta, two.theta);
  EXPECT_EQ(continued.correct, two.correct);

  StdpImageNetwork net(digits_config(12, 1));
  EXPECT_THROW(net.set_state(std::vector<double>(12 * 63, 0.1), theta[0]), Error);
  EXPECT_THROW(net.set_state(weights[0], std::vector<double>(11, 0.0)), Error);
}

// The command fails and says `what`.
void expect_cli_error(const std::string& args, const std::string& what) {
  const auto r = scx::test::run_cli(args);
  EXPECT_NE(r.exit_code, 0) << args;
  EXPECT_THAT(r.output, HasSubstr(what));
}

TEST(StdpImagesCli, HelpAndBadOptions) {
  const auto help = scx::test::run_cli("app stdp-images --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("--neurons"));
  EXPECT_THAT(help.output, HasSubstr("--dataset"));
  expect_cli_error("app stdp-images --dataset mnist", "--dataset: expected fmnist or digits");
  expect_cli_error("app stdp-images --neurns 5", "--neurns");
  // Bad presentation times fail before training, not after it.
  expect_cli_error("app stdp-images --dataset digits --present-ms 0.1",
                   "--present-ms: must be at least one step");
  expect_cli_error("app stdp-images --dataset digits --eval-present-ms 0.2",
                   "--eval-present-ms: must be 0 or at least one step (0.5 ms)");
}

TEST(StdpImagesCli, DigitsRunWritesTheReceptiveFields) {
  const auto dir = scx::test::fresh_dir("stdp_cli");
  const auto r = scx::test::run_cli(
      "app stdp-images --dataset digits --neurons 16 --train-images 60 "
      "--test-images 30 --out " +
      (dir / "fields.svg").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("accuracy="));
  ASSERT_TRUE(std::filesystem::exists(dir / "fields.svg"));
  EXPECT_GT(std::filesystem::file_size(dir / "fields.svg"), 200u);
  std::filesystem::remove_all(dir);
}

TEST(StdpImagesCli, EqualizedReadOutIsTheDefaultForFashionMnistOnly) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "no Fashion-MNIST";
  const std::string tiny = " --neurons 4 --train-images 3 --label-images 3 --test-images 3";
  const auto fmnist = scx::test::run_cli("app stdp-images" + tiny);
  ASSERT_EQ(fmnist.exit_code, 0) << fmnist.output;
  EXPECT_THAT(fmnist.output, HasSubstr("eval_equalize=yes "));
  const auto paper = scx::test::run_cli("app stdp-images --no-eval-equalize" + tiny);
  ASSERT_EQ(paper.exit_code, 0) << paper.output;
  EXPECT_THAT(paper.output, HasSubstr("eval_equalize=no "));
  const auto digits = scx::test::run_cli("app stdp-images --dataset digits" + tiny);
  ASSERT_EQ(digits.exit_code, 0) << digits.output;
  EXPECT_THAT(digits.output, HasSubstr("eval_equalize=no "));
}

TEST(StdpImagesCli, ValidationTestsOnTheLastTrainingImages) {
  const auto r = scx::test::run_cli(
      "app stdp-images --dataset digits --neurons 8 --validation 100 --train-images 30 --label-images 20");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("train=30 label=20 test=100 validation=yes"));
  expect_cli_error("app stdp-images --dataset digits --validation 1438",
                   "--validation: 1438 images leave none of the 1438 training images");
}

TEST(StdpImagesCli, SavedStateIsLabelledAndTestedAgain) {
  const auto dir = scx::test::fresh_dir("stdp_state");
  const std::string state = (dir / "state.h5").string();
  const std::string digits = "app stdp-images --dataset digits --train-images 40 --test-images 20 ";
  const auto trained = scx::test::run_cli(digits + "--neurons 10 --epochs 2 --save-state " + state);
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  ASSERT_TRUE(std::filesystem::exists(state));
  // The file's 10 neurons, not the default 100; a longer test presentation, equalized neurons.
  const auto tested =
      scx::test::run_cli(digits + "--epochs 0 --eval-present-ms 700 --eval-equalize --load-state " + state);
  ASSERT_EQ(tested.exit_code, 0) << tested.output;
  EXPECT_THAT(tested.output, HasSubstr("neurons=10 "));
  EXPECT_THAT(tested.output, HasSubstr("epochs_before=2 "));
  EXPECT_THAT(tested.output, HasSubstr("eval_present_ms=700 "));
  EXPECT_THAT(tested.output, HasSubstr("eval_equalize=yes "));

  expect_cli_error(digits + "--neurons 12 --epochs 0 --load-state " + state,
                   "holds 10 neurons, --neurons asks for 12");
  expect_cli_error("app stdp-images --epochs 0 --load-state " + state, "learned on 'digits'");
  const std::string text = (dir / "not-h5.txt").string();
  scx::write_text_atomically(text, "weights\n");
  expect_cli_error(digits + "--epochs 0 --load-state " + text, text);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scx::train

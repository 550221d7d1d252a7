// The register map and the SPI frame transport, driven by the access sequences of GV's NeuroShield client
// library (begin / count / clear, learn, classify with K responses, read and write neurons in SR mode),
// compared with the engine's own API.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "silicortex/cogmem/registers.hpp"
#include "silicortex/cogmem/spi_transport.hpp"
#include "silicortex/core/error.hpp"

namespace scx::cogmem {
namespace {

constexpr unsigned char kNm = kModuleNeuroMem;

// A client written like NeuroMemAI.cpp, on the shim.
struct Client {
  NeuroMemSpiShim& spi;
  int count_neurons() {
    spi.write(kNm, kForget, 0);
    spi.write(kNm, kNsr, 0x10);
    spi.write(kNm, kTestCat, 1);
    spi.write(kNm, kResetChain, 0);
    int n = 0;
    while (spi.read(kNm, kCat) != 0xFFFF) ++n;
    spi.write(kNm, kNsr, 0);
    spi.write(kNm, kForget, 0);
    return n;
  }
  void clear_neurons() {
    spi.write(kNm, kNsr, 16);
    spi.write(kNm, kTestCat, 1);
    spi.write(kNm, kNsr, 0);
    for (int i = 0; i < 256; ++i) {
      spi.write(kNm, kIndexComp, i);
      spi.write(kNm, kTestComp, 0);
    }
    spi.write(kNm, kForget, 0);
  }
  int broadcast(std::vector<int> v) {
    spi.writeAddr(0x01000001, static_cast<int>(v.size()) - 1, v.data());
    spi.write(kNm, kLcomp, v.back() & 0xFF);
    return spi.read(kNm, kNsr);
  }
  int learn(std::vector<int> v, int cat) {
    broadcast(std::move(v));
    spi.write(kNm, kCat, cat);
    return spi.read(kNm, kNcount);
  }
  int classify(std::vector<int> v, int k, std::vector<int>& dist, std::vector<int>& cat,
               std::vector<int>& nid) {
    broadcast(std::move(v));
    int found = 0;
    dist.assign(k, 0);
    cat.assign(k, 0);
    nid.assign(k, 0);
    for (int i = 0; i < k; ++i) {
      dist[i] = spi.read(kNm, kDist);
      if (dist[i] == 0xFFFF) {
        cat[i] = nid[i] = 0xFFFF;
      } else {
        ++found;
        cat[i] = spi.read(kNm, kCat);
        nid[i] = spi.read(kNm, kNid);
      }
    }
    return found;
  }
  std::vector<int> read_neurons() {  // NCR, 256 COMP, AIF, MINIF, CAT per neuron
    const int n = spi.read(kNm, kNcount);
    const int nsr = spi.read(kNm, kNsr);
    spi.write(kNm, kNsr, 0x10);
    spi.write(kNm, kResetChain, 0);
    std::vector<int> out(static_cast<size_t>(n) * 260);
    for (int i = 0; i < n; ++i) {
      int* r = &out[static_cast<size_t>(i) * 260];
      r[0] = spi.read(kNm, kNcr);
      spi.readAddr(0x01000001, 256, r + 1);
      r[257] = spi.read(kNm, kAif);
      r[258] = spi.read(kNm, kMinif);
      r[259] = spi.read(kNm, kCat);
    }
    spi.write(kNm, kNsr, nsr);
    return out;
  }
  void write_neurons(std::vector<int> neurons) {
    const int nsr = spi.read(kNm, kNsr), gcr = spi.read(kNm, kGcr);
    clear_neurons();
    spi.write(kNm, kNsr, 0x10);
    spi.write(kNm, kResetChain, 0);
    for (size_t i = 0; i < neurons.size() / 260; ++i) {
      int* r = &neurons[i * 260];
      spi.write(kNm, kNcr, r[0]);
      spi.writeAddr(0x01000001, 256, r + 1);
      spi.write(kNm, kAif, r[257]);
      spi.write(kNm, kMinif, r[258]);
      spi.write(kNm, kCat, r[259]);
    }
    spi.write(kNm, kNsr, nsr);
    spi.write(kNm, kGcr, gcr);
  }
};

struct Rig {
  Engine engine{NetworkShape::nm500()};
  RegisterInterface regs{engine};
  SpiTransport transport{regs};
  NeuroMemSpiShim spi{transport};
  Client client{spi};
};

TEST(CogmemRegisters, DefaultsAndChipDetection) {
  Rig r;
  EXPECT_EQ(r.spi.connect(), 0);  // MINIF reads 2
  EXPECT_EQ(r.spi.read(kNm, kMaxif), 0x4000);
  EXPECT_EQ(r.spi.read(kNm, kGcr), 1);
  EXPECT_EQ(r.spi.read(kNm, kNsr), 0);
  EXPECT_EQ(r.spi.read(kNm, kNcount), 0);
  EXPECT_EQ(r.spi.read(kNm, kDist), 0xFFFF);
  EXPECT_EQ(r.spi.read(kNm, kCat), 0xFFFF);
  EXPECT_EQ(r.spi.FPGArev(), 1);
  EXPECT_EQ(r.client.count_neurons(), 576);
  EXPECT_EQ(r.engine.committed(), 0u);  // count_neurons ends with FORGET
  Rig chain;
  chain.engine = Engine(NetworkShape::cm1k(2));
  EXPECT_EQ(chain.client.count_neurons(), 2048);
}

TEST(CogmemRegisters, LearnAndClassifyLikeTheEngine) {
  Rig r;
  Engine direct(NetworkShape::nm500());
  r.client.clear_neurons();
  const std::vector<std::vector<int>> vs{{10, 10}, {20, 10}, {11, 10}, {40, 40}};
  const std::vector<int> cats{1, 2, 2, 3};
  for (size_t i = 0; i < vs.size(); ++i) {
    const int ncount = r.client.learn(vs[i], cats[i]);
    direct.learn(std::vector<uint8_t>(vs[i].begin(), vs[i].end()), static_cast<uint32_t>(cats[i]));
    EXPECT_EQ(ncount, static_cast<int>(direct.committed()));
  }
  // Status codes through NSR (8 identified, 4 uncertain, 0 unknown) as the engine gives them.
  std::set<int> seen;
  for (std::vector<int> v : {std::vector<int>{10, 10}, {16, 10}, {25, 10}, {200, 200}, {0, 255}}) {
    const int nsr = r.client.broadcast(v) & 0x0C;
    EXPECT_EQ(nsr, static_cast<int>(direct.recognize(std::vector<uint8_t>(v.begin(), v.end()), 1).status));
    seen.insert(nsr);
  }
  EXPECT_EQ(seen.size(), 2u);  // identified and uncertain occur; MAXIF 16384 covers the whole 2-D plane
  // KNN: K responses in the chip's order, then 0xFFFF.
  r.spi.write(kNm, kNsr, r.spi.read(kNm, kNsr) | 0x20);
  direct.set_classifier(Classifier::kKnn);
  std::vector<int> dist, cat, nid;
  const int found = r.client.classify({30, 30}, 5, dist, cat, nid);
  const auto want = direct.recognize(std::vector<uint8_t>{30, 30}, 5);
  ASSERT_EQ(found, static_cast<int>(want.responses.size()));
  for (int i = 0; i < found; ++i) {
    EXPECT_EQ(dist[i], static_cast<int>(want.responses[i].distance));
    EXPECT_EQ(cat[i], want.responses[i].cat_register());
    EXPECT_EQ(nid[i], static_cast<int>(want.responses[i].neuron_id));
  }
  EXPECT_EQ(dist[found], 0xFFFF);
  EXPECT_EQ(cat[found], 0xFFFF);
  EXPECT_EQ(r.spi.read(kNm, kDist), 0xFFFF);  // stays exhausted
}

TEST(CogmemRegisters, SaveAndRestoreThroughSrMode) {
  Rig a;
  a.client.clear_neurons();
  a.spi.write(kNm, kGcr, 0x80 | 5);  // Lsup, context 5
  a.client.learn({1, 2, 3}, 7);
  a.spi.write(kNm, kGcr, 2);
  a.client.learn({9, 9, 9}, 8);
  a.client.learn({9, 9, 9}, 9);  // degenerates neuron 2
  const auto neurons = a.client.read_neurons();
  ASSERT_EQ(neurons.size(), 3u * 260);
  EXPECT_EQ(neurons[0], 0x80 | 5);
  EXPECT_EQ(neurons[1 + 2], 3);
  EXPECT_EQ(neurons[260 + 259], 0x8000 | 8);
  Rig b;
  b.client.write_neurons(neurons);
  ASSERT_EQ(b.engine.committed(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(b.engine.store().category(i), a.engine.store().category(i));
    EXPECT_EQ(b.engine.store().degenerated(i), a.engine.store().degenerated(i));
    EXPECT_EQ(b.engine.store().aif(i), a.engine.store().aif(i));
    EXPECT_EQ(b.engine.store().norm(i), a.engine.store().norm(i));
    EXPECT_EQ(b.engine.store().context(i), a.engine.store().context(i));
    EXPECT_EQ(b.engine.store().prototype(i)[0], a.engine.store().prototype(i)[0]);
  }
  EXPECT_EQ(b.client.read_neurons(), neurons);
}

TEST(CogmemRegisters, BadAccessesAreClearErrors) {
  Rig r;
  EXPECT_THROW(r.spi.read(kNm, 0x10), Error);
  EXPECT_THROW(r.spi.write(kNm, 0x2A, 1), Error);
  EXPECT_THROW(r.spi.write(kNm, kCat, 5), Error);  // learning before any broadcast
  r.client.broadcast({1, 2});
  EXPECT_THROW(r.spi.write(kNm, kCat, 0x8000), Error);
  r.spi.write(kNm, kGcr, 0x7F);  // context 127 is the largest; GCR has no room for more
  EXPECT_EQ(r.engine.context(), 127);
  std::vector<int> long_vector(257, 1);
  EXPECT_THROW(r.client.broadcast(long_vector), Error);
  EXPECT_THROW(r.spi.read(5, kCat), Error);  // unknown module
  EXPECT_THROW(r.transport.transfer(std::vector<uint8_t>{1, 1, 0, 0, 4, 0, 0, 2, 0, 0}),
               Error);  // short burst
  EXPECT_THROW(r.transport.transfer(std::vector<uint8_t>{1, 1, 0}), Error);
}

}  // namespace
}  // namespace scx::cogmem

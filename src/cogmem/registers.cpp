#include "silicortex/cogmem/registers.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "silicortex/core/error.hpp"

namespace scx::cogmem {
namespace {

uint16_t clamp16(uint32_t v) {
  return static_cast<uint16_t>(std::min<uint32_t>(v, 0xFFFE));
}

[[noreturn]] void fail(uint8_t address, bool write, const std::string& msg) {
  throw_error_at("", 0, 0, std::string("register ") + register_name(address, write), msg);
}

}  // namespace

const char* register_name(uint8_t address, bool write) {
  static const char* kRead[16] = {"NCR",        "COMP",  "LCOMP",     "DIST",    "CAT", "AIF",
                                  "MINIF",      "MAXIF", "TESTCOMP",  "TESTCAT", "NID", "GCR",
                                  "RESETCHAIN", "NSR",   "POWERSAVE", "NCOUNT"};
  if (address >= 16) return "unknown";
  if (address == kIndexComp && write) return "INDEXCOMP";
  if (address == kForget && write) return "FORGET";
  return kRead[address];
}

RegisterInterface::RegisterInterface(Engine& engine, uint32_t unbounded_chain)
    : engine_(engine),
      unbounded_chain_(unbounded_chain),
      comps_(engine.shape().max_vector_bytes, 0),
      staged_row_(engine.shape().max_vector_bytes, 0) {}

uint32_t RegisterInterface::chain_size() const {
  return engine_.shape().capacity ? engine_.shape().capacity : unbounded_chain_;
}

void RegisterInterface::refill_responses(size_t want) {
  // Responses are computed lazily, doubling k, so a client reading a few of many firing neurons stays cheap.
  if (want <= asked_ || last_.responses.size() < asked_) return;
  asked_ = std::max<size_t>(want, asked_ * 2);
  last_ = engine_.recognize({comps_.data(), broadcast_length_}, asked_);
}

void RegisterInterface::broadcast_last(uint8_t component) {
  if (index_ >= comps_.size())
    fail(kLcomp, true, "component index " + std::to_string(index_) + " is past the neuron memory");
  comps_[index_] = component;
  broadcast_length_ = std::max(length_, index_ + 1);
  index_ = length_ = 0;
  asked_ = 0;
  last_ = {};
  last_.responses.clear();
  refill_responses(16);
  next_ = 0;
  current_.reset();
  responses_valid_ = true;
}

uint16_t RegisterInterface::read(uint8_t address) {
  if (address > 0x0F)
    fail(address, false, "address 0x" + std::to_string(address) + " is not a NeuroMem register");
  const KnowledgeStore& s = engine_.store();
  if (sr_mode()) {
    switch (address) {
      case kNcr:
        if (!pointed_committed()) return staged_ncr_;
        return static_cast<uint16_t>(s.context(pointer_) | (s.norm(pointer_) == Norm::kLsup ? kNormBit : 0) |
                                     (((pointer_ + 1) >> 16) & 0xFF) << 8);
      case kComp: {
        const size_t i = sr_index_++;
        if (i >= s.row_bytes() && pointed_committed()) return 0;
        if (i >= staged_row_.size()) fail(address, false, "component index past the neuron memory");
        return pointed_committed() ? s.prototype(pointer_)[i] : staged_row_[i];
      }
      case kAif:
        return clamp16(pointed_committed() ? s.aif(pointer_) : staged_aif_);
      case kMinif:
        return clamp16(pointed_committed() ? s.minif(pointer_) : staged_minif_);
      case kCat:
        return sr_read_cat();
      case kNcount:
        return static_cast<uint16_t>(pointer_);
      case kDist:
        return kNoResponse;
      default:
        break;
    }
  }
  switch (address) {
    case kNcr:
      return ncr_high_;
    case kDist: {
      if (!responses_valid_) return kNoResponse;
      refill_responses(next_ + 1);
      if (next_ >= last_.responses.size()) {
        current_.reset();
        return kNoResponse;
      }
      current_ = last_.responses[next_++];
      ncr_high_ = static_cast<uint16_t>((current_->neuron_id >> 16) & 0xFF);
      return clamp16(current_->distance);
    }
    case kCat: {
      if (!responses_valid_) return kNoResponse;
      if (current_) return current_->cat_register();
      if (next_ == 0 && !last_.responses.empty()) return last_.responses[0].cat_register();
      return kNoResponse;
    }
    case kNid: {
      if (!responses_valid_) return kNoResponse;
      const Response* r =
          current_ ? &*current_ : (next_ == 0 && !last_.responses.empty() ? &last_.responses[0] : nullptr);
      return r ? static_cast<uint16_t>(r->neuron_id & 0xFFFF) : kNoResponse;
    }
    case kMinif:
      return clamp16(engine_.minif());
    case kMaxif:
      return clamp16(engine_.maxif());
    case kGcr:
      return static_cast<uint16_t>(engine_.context() | (engine_.norm() == Norm::kLsup ? kNormBit : 0));
    case kNsr:
      return nsr_;
    case kNcount:
      return engine_.committed() >= chain_size() ? 0xFFFF
                                                 : clamp16(static_cast<uint32_t>(engine_.committed()));
    default:
      return 0xFFFF;  // write-only registers: the bus idles high
  }
}

void RegisterInterface::write(uint8_t address, uint16_t value) {
  if (address > 0x0F)
    fail(address, true, "address 0x" + std::to_string(address) + " is not a NeuroMem register");
  KnowledgeStore& s = engine_.store();
  const uint8_t byte = static_cast<uint8_t>(value & 0xFF);
  if (sr_mode()) {
    switch (address) {
      case kNcr:
        if (pointed_committed()) {
          s.set_context(pointer_, value & kMaxContext);
          s.set_norm(pointer_, (value & kNormBit) ? Norm::kLsup : Norm::kL1);
        } else {
          staged_ncr_ = value & 0xFF;
        }
        return;
      case kComp: {
        const size_t i = sr_index_++;
        if (i >= staged_row_.size())
          fail(address, true, "component index " + std::to_string(i) + " is past the neuron memory");
        if (pointed_committed()) {
          s.widen(static_cast<uint32_t>(i + 1));
          s.prototype(pointer_)[i] = byte;
        } else {
          staged_row_[i] = byte;
        }
        return;
      }
      case kIndexComp:
        sr_index_ = value;
        return;
      case kAif:
        (pointed_committed() ? s.set_aif(pointer_, value) : void(staged_aif_ = value));
        return;
      case kMinif:
        (pointed_committed() ? s.set_minif(pointer_, value) : void(staged_minif_ = value));
        return;
      case kCat:
        sr_write_cat(value);
        return;
      case kResetChain:
        pointer_ = sr_index_ = 0;
        return;
      default:
        break;
    }
  }
  switch (address) {
    case kNcr:
      ncr_high_ = value;
      return;  // normal mode: no effect on the network
    case kComp:
      if (index_ >= comps_.size())
        fail(address, true, "component index " + std::to_string(index_) + " is past the neuron memory");
      comps_[index_++] = byte;
      length_ = std::max(length_, index_);
      return;
    case kLcomp: {
      broadcast_last(byte);
      nsr_ = static_cast<uint16_t>((nsr_ & ~(kNsrUncertain | kNsrIdentified)) |
                                   static_cast<uint16_t>(last_.status));
      return;
    }
    case kIndexComp:
      if (value >= comps_.size())
        fail(address, true, "index " + std::to_string(value) + " is past the neuron memory");
      index_ = value;
      sr_index_ = value;
      return;
    case kCat: {
      if (value > kMaxCategory)
        fail(address, true, "category " + std::to_string(value) + " is out of range 0..32767");
      if (broadcast_length_ == 0)
        fail(address, true, "learning (write CAT) before any vector was broadcast (LCOMP)");
      engine_.learn({comps_.data(), broadcast_length_}, value);
      responses_valid_ = false;
      return;
    }
    case kMinif:
      engine_.set_minif(value);
      return;
    case kMaxif:
      engine_.set_maxif(value);
      return;
    case kTestComp:  // the same component at INDEXCOMP in every committed neuron
      for (size_t i = 0; i < engine_.committed(); ++i) {
        s.widen(static_cast<uint32_t>(sr_index_ + 1));
        s.prototype(i)[sr_index_] = byte;
      }
      return;
    case kTestCat:
      test_cat(value);
      return;
    case kGcr:
      engine_.set_context(value & kMaxContext);
      engine_.set_norm((value & kNormBit) ? Norm::kLsup : Norm::kL1);
      return;
    case kNsr:
      nsr_ =
          static_cast<uint16_t>((value & (kNsrSrMode | kNsrKnn)) | (nsr_ & (kNsrUncertain | kNsrIdentified)));
      engine_.set_classifier((value & kNsrKnn) ? Classifier::kKnn : Classifier::kRbf);
      if (sr_mode()) pointer_ = sr_index_ = 0;
      return;
    case kForget:
      engine_.forget();
      responses_valid_ = false;
      index_ = length_ = broadcast_length_ = 0;
      return;
    default:
      return;  // NID, RESETCHAIN in normal mode, POWERSAVE: no effect on the network
  }
}

uint16_t RegisterInterface::sr_read_cat() {
  // Reading CAT returns the pointed neuron's category and moves to the next one; past the committed neurons
  // the chain answers 0xFFFF.
  if (!pointed_committed()) return kNoResponse;
  const KnowledgeStore& s = engine_.store();
  const uint16_t v =
      static_cast<uint16_t>(s.category(pointer_) | (s.degenerated(pointer_) ? kDegeneratedBit : 0));
  ++pointer_;
  sr_index_ = 0;
  return v;
}

void RegisterInterface::commit_staged(uint16_t category) {
  if (engine_.committed() >= chain_size()) fail(kCat, true, "the chain is full");
  KnowledgeStore& s = engine_.store();
  const size_t bytes = std::min<size_t>(staged_row_.size(), std::max<size_t>(s.row_bytes(), 1));
  s.widen(static_cast<uint32_t>(bytes));
  s.append({staged_row_.data(), bytes}, static_cast<uint8_t>(staged_ncr_ & kMaxContext),
           (staged_ncr_ & kNormBit) ? Norm::kLsup : Norm::kL1, category & kMaxCategory, staged_aif_,
           staged_minif_);
  s.set_degenerated(s.size() - 1, (category & kDegeneratedBit) != 0);
  std::fill(staged_row_.begin(), staged_row_.end(), 0);
  staged_ncr_ = 0;
  staged_aif_ = kDefaultMaxif;
  staged_minif_ = kDefaultMinif;
}

void RegisterInterface::sr_write_cat(uint16_t value) {
  if ((value & kMaxCategory) == 0)
    fail(kCat, true, "SR mode: category 0 would uncommit one neuron; use FORGET or TESTCAT 0");
  KnowledgeStore& s = engine_.store();
  if (pointed_committed()) {
    s.set_category(pointer_, value & kMaxCategory);
    s.set_degenerated(pointer_, (value & kDegeneratedBit) != 0);
  } else {
    commit_staged(value);
  }
  ++pointer_;
  sr_index_ = 0;
}

void RegisterInterface::test_cat(uint16_t value) {
  KnowledgeStore& s = engine_.store();
  if (value == 0) {
    s.clear();
    return;
  }
  if (value > kMaxCategory) fail(kTestCat, true, "category " + std::to_string(value) + " is out of range");
  for (size_t i = 0; i < s.size(); ++i) s.set_category(i, value);
  // Commit the rest of the chain, memories as they are (zero for rows never used).
  while (s.size() < chain_size())
    s.append({}, engine_.context(), engine_.norm(), value, engine_.maxif(), engine_.minif());
}

}  // namespace scx::cogmem

// Nexmark's three streams as CSV for the benchmark suite (issue 14):
//   nexmark_gen OUTDIR --events N [--seed S] [--rate R] [--disorder G]
// writes OUTDIR/person.csv, OUTDIR/auction.csv and OUTDIR/bid.csv.
//
// The data model follows the Nexmark generator (Apache Beam's sdks/java/testing/nexmark, which
// Flink's nexmark reuses), written afresh here:
//   - in every 50 consecutive events, event 0 is a person, events 1..3 auctions, 4..49 bids;
//   - event n happens at base + n * 10^6 / rate microseconds (default rate 10,000 events/s),
//     written as integer nanoseconds;
//   - person and auction ids are consecutive from 1000;
//   - an auction's seller is, 3 times in 4, the "hot" seller (the first of the last block of 100
//     persons), else a random one of the 1,000 most recent persons (plus 10 not yet created);
//   - a bid's auction is, 1 time in 2, the hot auction (the first of the last block of 100
//     auctions), else one of the 100 most recent auctions (plus 10 not yet created); its bidder is,
//     3 times in 4, the hot bidder (the second of the last block of 100 persons), else a random
//     recent person as for sellers;
//   - prices are round(10^(6u) * 100) for uniform u in [0, 1) (cents, 100 .. 10^8); reserve =
//     initial bid + another price; categories 10..14; an auction expires 1 ms to twice the time
//     100 more auctions take after it starts; names, e-mails, credit cards, cities and states are
//     short strings from Nexmark's lists; a bid's channel is one of 4 hot channels 1 time in 2,
//     else "channel-K" for K < 10,000. Nexmark's padding fields (`extra`, descriptions of about
//     100 bytes, a bid's url) are left out: they would only make the files larger.
// Disorder: with --disorder G > 1 the event times inside each block of G consecutive events are
// permuted (as Nexmark's out-of-order groups do), so no row is more than G / rate seconds behind
// an earlier one; the default G = 1 is in order. The queries' WATERMARK bounds (4 s, as in
// Flink's nexmark) must stay above that, so that no row is late.
// Deterministic for a given seed: a self-contained xoshiro256** generator, no std distributions.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace {

constexpr int64_t kPersonProportion = 1;
constexpr int64_t kAuctionProportion = 3;
constexpr int64_t kProportionDenominator = 50;  // person + auction + 46 bids
constexpr int64_t kFirstPersonId = 1000;
constexpr int64_t kFirstAuctionId = 1000;
constexpr int64_t kFirstCategoryId = 10;
constexpr int64_t kNumCategories = 5;
constexpr int64_t kHotRatio = 100;          // hot seller / bidder / auction: first of each 100
constexpr int64_t kHotAuctionOdds = 2;      // a bid is for the hot auction 1 - 1/2 of the time
constexpr int64_t kHotBidderOdds = 4;       // ... by the hot bidder 1 - 1/4 of the time
constexpr int64_t kHotSellerOdds = 4;       // an auction is by the hot seller 1 - 1/4 of the time
constexpr int64_t kNumActivePeople = 1000;
constexpr int64_t kNumInFlightAuctions = 100;
constexpr int64_t kIdLead = 10;             // ids not yet created that may be referenced
constexpr int64_t kBaseTimeNs = 1767225600LL * 1000000000LL;  // 2026-01-01T00:00:00Z

constexpr std::string_view kStates[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::string_view kCities[] = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
                                        "Bend",    "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
constexpr std::string_view kFirstNames[] = {"Peter", "Paul", "Luke",  "John",   "Saul",  "Vicky",
                                            "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::string_view kLastNames[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                           "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::string_view kHotChannels[] = {"Google", "Facebook", "Baidu", "Apple"};

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (auto& word : state_) word = splitmix(seed);
  }
  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-high; the tiny bias does not matter here).
  int64_t below(int64_t n) {
    return static_cast<int64_t>((static_cast<unsigned __int128>(next()) * static_cast<uint64_t>(n)) >> 64);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_[4];
};

// The last person id (base 0) created at or before event `event`.
int64_t last_person(int64_t event) {
  const int64_t epoch = event / kProportionDenominator;
  int64_t offset = event % kProportionDenominator;
  if (offset >= kPersonProportion) offset = kPersonProportion - 1;
  return epoch * kPersonProportion + offset;
}

// The last auction id (base 0) created at or before event `event` (-1 before the first).
int64_t last_auction(int64_t event) {
  int64_t epoch = event / kProportionDenominator;
  int64_t offset = event % kProportionDenominator;
  if (offset < kPersonProportion) {
    --epoch;
    offset = kAuctionProportion - 1;
  } else if (offset >= kPersonProportion + kAuctionProportion) {
    offset = kAuctionProportion - 1;
  } else {
    offset -= kPersonProportion;
  }
  return epoch * kAuctionProportion + offset;
}

// A random recent person (base 0): one of the last 1,000, or one of the next 10.
int64_t recent_person(int64_t event, Random& random) {
  const int64_t people = last_person(event) + 1;
  const int64_t active = people < kNumActivePeople ? people : kNumActivePeople;
  return people - active + random.below(active + kIdLead);
}

// A random auction (base 0) likely still in flight: one of the last 100, or of the next 10.
int64_t recent_auction(int64_t event, Random& random) {
  const int64_t last = last_auction(event);
  const int64_t first = last - kNumInFlightAuctions > 0 ? last - kNumInFlightAuctions : 0;
  return first + random.below(last - first + 1 + kIdLead);
}

int64_t next_price(Random& random) { return std::llround(std::pow(10.0, random.unit() * 6.0) * 100.0); }

// Large-buffered CSV writer: no allocation per value.
class CsvFile {
 public:
  CsvFile(const std::string& path, std::string_view header) : file_(std::fopen(path.c_str(), "wb")) {
    if (file_ == nullptr) {
      std::perror(path.c_str());
      std::exit(1);
    }
    text(header);
    end_row();
  }
  ~CsvFile() {
    flush();
    std::fclose(file_);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  void integer(int64_t value) {
    separate();
    used_ = static_cast<size_t>(std::to_chars(buffer_ + used_, buffer_ + sizeof buffer_, value).ptr - buffer_);
  }
  void field(std::string_view value) {
    separate();
    text(value);
  }
  void end_row() {
    buffer_[used_++] = '\n';
    first_ = true;
    if (used_ > sizeof buffer_ - 4096) flush();
  }

 private:
  void separate() {
    if (!first_) buffer_[used_++] = ',';
    first_ = false;
  }
  void text(std::string_view value) {
    std::memcpy(buffer_ + used_, value.data(), value.size());
    used_ += value.size();
  }
  void flush() {
    std::fwrite(buffer_, 1, used_, file_);
    used_ = 0;
  }
  std::FILE* file_;
  char buffer_[1 << 20];
  size_t used_ = 0;
  bool first_ = true;
};

// A lowercase word of 3..max_length letters.
std::string_view next_word(Random& random, int max_length, char* out) {
  const int length = 3 + static_cast<int>(random.below(max_length - 2));
  for (int i = 0; i < length; ++i) out[i] = static_cast<char>('a' + random.below(26));
  return {out, static_cast<size_t>(length)};
}

template <size_t N>
std::string_view pick(const std::string_view (&list)[N], Random& random) {
  return list[random.below(static_cast<int64_t>(N))];
}

struct Generator {
  Random random;
  int64_t rate;
  CsvFile person;
  CsvFile auction;
  CsvFile bid;

  Generator(const std::string& dir, uint64_t seed, int64_t events_per_second)
      : random(seed),
        rate(events_per_second),
        person(dir + "/person.csv", "id,name,email_address,credit_card,city,state,date_time"),
        auction(dir + "/auction.csv", "id,item_name,description,initial_bid,reserve,date_time,expires,seller,category"),
        bid(dir + "/bid.csv", "auction,bidder,price,channel,date_time") {}

  int64_t time_ns(int64_t event) const { return kBaseTimeNs + event * 1000000 / rate * 1000; }

  void emit(int64_t event) {
    const int64_t offset = event % kProportionDenominator;
    if (offset < kPersonProportion) {
      emit_person(event);
    } else if (offset < kPersonProportion + kAuctionProportion) {
      emit_auction(event);
    } else {
      emit_bid(event);
    }
  }

  void emit_person(int64_t event) {
    char name[32];
    char email[32];
    char card[20];
    const std::string_view first = pick(kFirstNames, random);
    const std::string_view last = pick(kLastNames, random);
    std::memcpy(name, first.data(), first.size());
    name[first.size()] = ' ';
    std::memcpy(name + first.size() + 1, last.data(), last.size());
    const size_t name_length = first.size() + 1 + last.size();
    size_t email_length = next_word(random, 7, email).size();
    email[email_length++] = '@';
    email_length += next_word(random, 5, email + email_length).size();
    std::memcpy(email + email_length, ".com", 4);
    email_length += 4;
    for (int group = 0; group < 4; ++group) {
      int64_t digits = random.below(10000);
      for (int i = 3; i >= 0; --i, digits /= 10) card[group * 5 + i] = static_cast<char>('0' + digits % 10);
      if (group < 3) card[group * 5 + 4] = ' ';
    }
    person.integer(last_person(event) + kFirstPersonId);
    person.field({name, name_length});
    person.field({email, email_length});
    person.field({card, 19});
    person.field(pick(kCities, random));
    person.field(pick(kStates, random));
    person.integer(time_ns(event));
    person.end_row();
  }

  void emit_auction(int64_t event) {
    const int64_t seller = random.below(kHotSellerOdds) > 0 ? last_person(event) / kHotRatio * kHotRatio
                                                            : recent_person(event, random);
    const int64_t category = kFirstCategoryId + random.below(kNumCategories);
    const int64_t initial_bid = next_price(random);
    const int64_t reserve = initial_bid + next_price(random);
    // An auction lasts on average as long as the next 100 auctions take to be created.
    const int64_t horizon_events = kNumInFlightAuctions * kProportionDenominator / kAuctionProportion;
    const int64_t horizon_ms = (time_ns(event + horizon_events) - time_ns(event)) / 1000000;
    const int64_t length_ms = 1 + random.below(horizon_ms * 2 > 1 ? horizon_ms * 2 : 1);
    char item[16];
    char description[24];
    auction.integer(last_auction(event) + kFirstAuctionId);
    auction.field(next_word(random, 12, item));
    auction.field(next_word(random, 20, description));
    auction.integer(initial_bid);
    auction.integer(reserve);
    auction.integer(time_ns(event));
    auction.integer(time_ns(event) + length_ms * 1000000);
    auction.integer(seller + kFirstPersonId);
    auction.integer(category);
    auction.end_row();
  }

  void emit_bid(int64_t event) {
    const int64_t auction_id = random.below(kHotAuctionOdds) > 0 ? last_auction(event) / kHotRatio * kHotRatio
                                                                 : recent_auction(event, random);
    const int64_t bidder = random.below(kHotBidderOdds) > 0 ? last_person(event) / kHotRatio * kHotRatio + 1
                                                            : recent_person(event, random);
    const int64_t price = next_price(random);
    char channel[24];
    std::string_view channel_name;
    if (random.below(2) > 0) {
      channel_name = pick(kHotChannels, random);
    } else {
      std::memcpy(channel, "channel-", 8);
      channel_name = {channel, static_cast<size_t>(std::to_chars(channel + 8, channel + sizeof channel,
                                                                 random.below(10000)).ptr - channel)};
    }
    bid.integer(auction_id + kFirstAuctionId);
    bid.integer(bidder + kFirstPersonId);
    bid.integer(price);
    bid.field(channel_name);
    bid.integer(time_ns(event));
    bid.end_row();
  }
};

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: nexmark_gen OUTDIR --events N [--seed S] [--rate EVENTS_PER_SECOND] [--disorder G]\n");
  std::exit(2);
}

int64_t parse_positive(const char* text) {
  int64_t value = 0;
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value <= 0) usage();
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage();
  const std::string dir = argv[1];
  int64_t events = -1;
  int64_t seed = 42;
  int64_t rate = 10000;
  int64_t disorder = 1;
  for (int i = 2; i < argc; i += 2) {
    if (i + 1 >= argc) usage();
    const std::string_view flag = argv[i];
    const int64_t value = parse_positive(argv[i + 1]);
    if (flag == "--events") {
      events = value;
    } else if (flag == "--seed") {
      seed = value;
    } else if (flag == "--rate") {
      rate = value;
    } else if (flag == "--disorder") {
      disorder = value;
    } else {
      usage();
    }
  }
  if (events < 0 || rate > 1000000 || disorder % 953 == 0) usage();
  auto generator = std::make_unique<Generator>(dir, static_cast<uint64_t>(seed), rate);
  for (int64_t n = 0; n < events; ++n) {
    // Out-of-order groups: the n-th event written is event n permuted inside its block of G
    // (953 is prime, so i -> i * 953 mod G is a permutation when G is no multiple of it).
    const int64_t block = n / disorder * disorder;
    // A last, partial block stays in order.
    const bool whole_block = block + disorder <= events;
    generator->emit(whole_block ? block + (n - block) * 953 % disorder : n);
  }
  return 0;
}

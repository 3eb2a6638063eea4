#include "apdu/t0.h"

#include <algorithm>

namespace uicc::apdu {

namespace {

// Moves the bytes after the first `keep` into `pending` and announces them with 61XX.
Response split(Response produced, std::size_t keep, PendingResponse& pending) {
  pending.data = std::move(produced.data);
  pending.offset = keep;
  pending.final_sw = produced.sw;
  Response wire;
  wire.data.assign(pending.data.begin(), pending.data.begin() + static_cast<std::ptrdiff_t>(keep));
  wire.sw = sw::more_data(pending.remaining());
  return wire;
}

}  // namespace

Response shape_response(const Command& command, Response produced, PendingResponse& pending) {
  pending.clear();
  if (produced.data.empty()) return produced;

  bool carries_result = produced.sw.is_success() || produced.sw.is_warning();
  if (!carries_result) {
    produced.data.clear();  // an error status word never comes with data
    return produced;
  }

  // No Le: the T=0 terminal fetches the data with GET RESPONSE.
  if (!command.has_le) return split(std::move(produced), 0, pending);

  std::size_t available = produced.data.size();
  bool short_le = !command.extended;
  bool le_is_00 = short_le && command.ne == kMaxShortResponse;

  // Case 2 with an explicit short Le that is not the data length: 6CXX with the exact length.
  if (command.data.empty() && short_le && !le_is_00 && available != command.ne) {
    if (available > kMaxShortResponse) return split(std::move(produced), 0, pending);
    return Response{{}, sw::wrong_le(available)};
  }

  if (available <= command.ne) return produced;
  return split(std::move(produced), command.ne, pending);
}

Response get_response(const Command& command, PendingResponse& pending) {
  if (command.p1 != 0 || command.p2 != 0) return Response{{}, sw::wrong_p1_p2};
  if (!command.data.empty()) return Response{{}, sw::wrong_length};
  if (pending.empty()) return Response{{}, sw::conditions_not_satisfied};

  std::size_t remaining = pending.remaining();
  std::size_t ne = command.has_le ? command.ne : kMaxShortResponse;
  bool le_is_00 = !command.has_le || (!command.extended && ne == kMaxShortResponse);
  if (!le_is_00 && ne > remaining) return Response{{}, sw::wrong_le(remaining)};

  std::size_t take = std::min(ne, remaining);
  Response wire;
  auto begin = pending.data.begin() + static_cast<std::ptrdiff_t>(pending.offset);
  wire.data.assign(begin, begin + static_cast<std::ptrdiff_t>(take));
  pending.offset += take;
  if (pending.empty()) {
    wire.sw = pending.final_sw;
    pending.clear();
  } else {
    wire.sw = sw::more_data(pending.remaining());
  }
  return wire;
}

}  // namespace uicc::apdu

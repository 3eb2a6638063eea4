#include "apdu/select.h"

#include <algorithm>
#include <vector>

namespace uicc::apdu {

std::optional<std::size_t> find_by_name(std::span<const ByteView> aids, ByteView name,
                                        Occurrence occurrence, std::optional<std::size_t> current) {
  std::vector<std::size_t> matches;
  for (std::size_t i = 0; i < aids.size(); ++i) {
    const ByteView& aid = aids[i];
    if (aid.size() >= name.size() && std::equal(name.begin(), name.end(), aid.begin())) {
      matches.push_back(i);
    }
  }
  if (matches.empty()) return std::nullopt;

  auto position = current ? std::find(matches.begin(), matches.end(), *current) : matches.end();
  bool current_matches = position != matches.end();

  switch (occurrence) {
    case Occurrence::first:
      return matches.front();
    case Occurrence::last:
      return matches.back();
    case Occurrence::next:
      if (!current_matches) return matches.front();
      if (position + 1 == matches.end()) return std::nullopt;
      return *(position + 1);
    case Occurrence::previous:
      if (!current_matches) return matches.back();
      if (position == matches.begin()) return std::nullopt;
      return *(position - 1);
  }
  return std::nullopt;
}

}  // namespace uicc::apdu

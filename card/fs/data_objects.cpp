// RETRIEVE DATA and SET DATA on BER-TLV structured EFs: ETSI TS 102 221 V17.1.0 §11.3.
#include "card/fs/data_objects.h"

#include <algorithm>

#include "card/fs/file_commands.h"
#include "util/tlv.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

std::optional<std::vector<StoredObject>> stored_objects(ByteView content) {
  std::vector<StoredObject> objects;
  std::size_t pos = 0;
  while (pos < content.size() && content[pos] != 0xFF) {
    auto header = tlv::parse_header(content.subspan(pos));
    if (!header || !header->der || header->tag == kTagList) return std::nullopt;
    std::size_t size = header->size + header->length;
    if (size > content.size() - pos) return std::nullopt;
    for (const auto& seen : objects) {
      if (seen.tag == header->tag) return std::nullopt;
    }
    objects.push_back(StoredObject{header->tag, pos, size});
    pos += size;
  }
  for (; pos < content.size(); ++pos) {
    if (content[pos] != 0xFF) return std::nullopt;
  }
  return objects;
}

std::size_t used_bytes(ByteView content) {
  auto objects = stored_objects(content);
  if (!objects || objects->empty()) return 0;
  return objects->back().offset + objects->back().size;
}

namespace {

// P2 of RETRIEVE DATA and SET DATA (§11.3.1.2): b8-b7 = 10 starts a transfer on the current
// EF (b5-b1 = 0) or on the EF with the SFI in b5-b1. 00 requests or sends the next block,
// and 01 repeats the previous one.
enum class Block : std::uint8_t { first, next, retransmit };

struct BlockAddress {
  Block block = Block::first;
  std::uint8_t sfi = 0;
};

BlockAddress decode(const Command& command) {
  if (command.p1 != 0) apdu::fail(sw::incorrect_p1_p2);
  switch (command.p2) {
    case 0x00:
      return {Block::next, 0};
    case 0x40:
      return {Block::retransmit, 0};
    default:
      break;
  }
  if ((command.p2 & 0xE0) != 0x80 || (command.p2 & 0x1F) == 0x1F) apdu::fail(sw::incorrect_p1_p2);
  return {Block::first, static_cast<std::uint8_t>(command.p2 & 0x1F)};
}

const StoredObject* find_object(const std::vector<StoredObject>& objects, std::uint32_t tag) {
  auto it = std::find_if(objects.begin(), objects.end(),
                         [&](const StoredObject& o) { return o.tag == tag; });
  return it == objects.end() ? nullptr : &*it;
}

std::vector<StoredObject> objects_of(ByteView content) {
  auto objects = stored_objects(content);
  // The file system only ever stores well-formed content; anything else is a damaged image.
  if (!objects) apdu::fail(sw::technical_problem);
  return std::move(*objects);
}

// Returns one block of a RETRIEVE DATA transfer, starting at byte `start` of the object.
Response retrieve_block(DataTransfer& transfer, std::size_t start, const Command& command) {
  std::size_t remaining = transfer.object.size() - start;
  if (remaining == 0) apdu::fail(sw::conditions_not_satisfied);
  // A short Le other than 00 that requests more than is left gets 6CXX, as READ BINARY
  // does under T=0, and the transfer stays where it was.
  bool exact_le = command.has_le && !command.extended && command.ne != apdu::kMaxShortResponse;
  if (command.data.empty() && exact_le && remaining < command.ne)
    return Response{{}, sw::wrong_le(remaining)};

  std::size_t limit = command.has_le ? command.ne : apdu::kMaxShortResponse;
  std::size_t count = std::min(limit, remaining);
  auto begin = transfer.object.begin() + static_cast<std::ptrdiff_t>(start);
  Response response{Bytes(begin, begin + static_cast<std::ptrdiff_t>(count)), sw::ok};
  transfer.sent = start + count;
  transfer.last_block = count;
  if (transfer.sent < transfer.object.size()) response.sw = sw::more_blocks_available;
  return response;
}

}  // namespace

Response FileCommands::retrieve_data(FileContext& context, const Command& command) {
  BlockAddress address = decode(command);
  DataTransfer& transfer = context.transfer;

  if (address.block != Block::first) {
    if (!command.data.empty()) apdu::fail(sw::wrong_length);
    if (transfer.kind != DataTransfer::Kind::retrieve) apdu::fail(sw::conditions_not_satisfied);
    std::size_t start =
        address.block == Block::next ? transfer.sent : transfer.sent - transfer.last_block;
    return retrieve_block(transfer, start, command);
  }

  if (command.data.empty()) apdu::fail(sw::wrong_length);
  FileInfo ef = target_ef(context, address.sfi);
  if (ef.structure != EfStructure::ber_tlv) apdu::fail(sw::incompatible_file_structure);
  require_activated(ef);
  require(context, ef, Operation::read);
  auto tag = tlv::parse_tag(command.data);
  if (!tag || tag->size != command.data.size()) apdu::fail(sw::wrong_data);

  ByteView content = fs_.content(ef.handle);
  std::vector<StoredObject> objects = objects_of(content);
  DataTransfer next;
  next.kind = DataTransfer::Kind::retrieve;
  next.ef = ef.handle;
  next.tag = tag->value;
  if (tag->value == kTagList) {
    // §11.3.0: tag 5C returns the top-level tags of the objects in the file.
    Bytes tags;
    for (const auto& object : objects) tlv::append_tag(tags, object.tag);
    next.object = tlv::encode(kTagList, tags);
  } else {
    const StoredObject* object = find_object(objects, tag->value);
    if (object == nullptr) apdu::fail(sw::reference_data_not_found);
    auto begin = content.begin() + static_cast<std::ptrdiff_t>(object->offset);
    next.object.assign(begin, begin + static_cast<std::ptrdiff_t>(object->size));
  }
  transfer = std::move(next);
  return retrieve_block(transfer, 0, command);
}

Response FileCommands::set_data(FileContext& context, const Command& command) {
  BlockAddress address = decode(command);
  if (command.data.empty() || command.has_le) apdu::fail(sw::wrong_length);
  DataTransfer& transfer = context.transfer;

  if (address.block != Block::first) {
    if (transfer.kind != DataTransfer::Kind::set) apdu::fail(sw::conditions_not_satisfied);
    if (address.block == Block::retransmit)
      transfer.object.resize(transfer.object.size() - transfer.last_block);
    if (command.data.size() > transfer.expected - transfer.object.size())
      apdu::fail(sw::wrong_length);
    append(transfer.object, command.data);
    transfer.last_block = command.data.size();
    if (transfer.object.size() < transfer.expected) return Response{{}, sw::more_blocks_expected};
    store_object(fs_.info(transfer.ef), transfer.tag, transfer.object);
    transfer = DataTransfer{};
    return Response{};
  }

  FileInfo ef = target_ef(context, address.sfi);
  if (ef.structure != EfStructure::ber_tlv) apdu::fail(sw::incompatible_file_structure);
  require_activated(ef);
  require(context, ef, Operation::update);
  auto tag = tlv::parse_tag(command.data);
  if (!tag || tag->value == kTagList) apdu::fail(sw::wrong_data);

  if (tag->size == command.data.size()) {
    // A tag alone deletes the object.
    std::vector<StoredObject> objects = objects_of(fs_.content(ef.handle));
    if (find_object(objects, tag->value) == nullptr) apdu::fail(sw::reference_data_not_found);
    store_object(ef, tag->value, {});
    return Response{};
  }

  auto header = tlv::parse_header(command.data);
  if (!header || !header->der) apdu::fail(sw::wrong_data);
  std::size_t expected = header->size + header->length;
  if (command.data.size() > expected) apdu::fail(sw::wrong_data);
  if (expected > ef.size) apdu::fail(sw::not_enough_memory);
  if (command.data.size() == expected) {
    store_object(ef, tag->value, command.data);
    return Response{};
  }

  // The object arrives in several blocks. The space is checked now so that the terminal does
  // not send a transfer that must fail. The old object is deleted at once, because §11.3.2
  // requires it to be gone if the replacement is then interrupted.
  std::vector<StoredObject> objects = objects_of(fs_.content(ef.handle));
  const StoredObject* old = find_object(objects, tag->value);
  std::size_t used = objects.empty() ? 0 : objects.back().offset + objects.back().size;
  if (used - (old ? old->size : 0) + expected > ef.size) apdu::fail(sw::not_enough_memory);
  if (old != nullptr) store_object(ef, tag->value, {});
  transfer = DataTransfer{};
  transfer.kind = DataTransfer::Kind::set;
  transfer.ef = ef.handle;
  transfer.tag = tag->value;
  transfer.object.assign(command.data.begin(), command.data.end());
  transfer.expected = expected;
  transfer.last_block = command.data.size();
  return Response{{}, sw::more_blocks_expected};
}

void FileCommands::store_object(const FileInfo& ef, std::uint32_t tag, ByteView object) {
  ByteView content = fs_.content(ef.handle);
  std::vector<StoredObject> objects = objects_of(content);
  const StoredObject* old = find_object(objects, tag);
  std::size_t used = objects.empty() ? 0 : objects.back().offset + objects.back().size;
  std::size_t old_size = old ? old->size : 0;
  if (used - old_size + object.size() > ef.size) apdu::fail(sw::not_enough_memory);

  // The new object takes the old one's place; a new tag goes after the last object. Only the
  // bytes from that place on change, and they are written at once, so a power loss leaves
  // either the old content or the new.
  std::size_t start = old ? old->offset : used;
  Bytes tail(object.begin(), object.end());
  if (old != nullptr) {
    auto after = content.begin() + static_cast<std::ptrdiff_t>(old->offset + old->size);
    tail.insert(tail.end(), after, content.begin() + static_cast<std::ptrdiff_t>(used));
  }
  std::size_t end = std::max(used, start + tail.size());
  tail.resize(end - start, 0xFF);
  fs_.write_content(ef.handle, static_cast<std::uint32_t>(start), tail);
}

}  // namespace uicc::card

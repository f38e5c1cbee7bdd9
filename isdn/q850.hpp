// Q.850 cause values: the one vocabulary for why a call ended, used by the
// ISDN leg, the call core, the cause mapping and pbxsim. Names follow Q.850
// Table 1; text() gives its wording for logs and show commands.
//
// A Cause can hold any value 0..127, named or not: a far end may send a
// value this list does not name, and it is carried unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gw::q850 {

enum class Cause : std::uint8_t {
    None = 0,   // no cause known (yet)
    UnallocatedNumber = 1,
    NoRouteToTransitNetwork = 2,
    NoRouteToDestination = 3,
    SendSpecialInformationTone = 4,
    MisdialledTrunkPrefix = 5,
    ChannelUnacceptable = 6,
    CallAwardedInEstablishedChannel = 7,
    Preemption = 8,
    PreemptionCircuitReserved = 9,
    NormalClearing = 16,
    UserBusy = 17,
    NoUserResponding = 18,
    NoAnswer = 19,
    SubscriberAbsent = 20,
    CallRejected = 21,
    NumberChanged = 22,
    RedirectionToNewDestination = 23,
    ExchangeRoutingError = 25,
    NonSelectedUserClearing = 26,
    DestinationOutOfOrder = 27,
    InvalidNumberFormat = 28,
    FacilityRejected = 29,
    ResponseToStatusEnquiry = 30,
    NormalUnspecified = 31,
    NoCircuitAvailable = 34,
    NetworkOutOfOrder = 38,
    FrameModeOutOfService = 39,
    FrameModeOperational = 40,
    TemporaryFailure = 41,
    SwitchingEquipmentCongestion = 42,
    AccessInformationDiscarded = 43,
    RequestedChannelNotAvailable = 44,
    PrecedenceCallBlocked = 46,
    ResourceUnavailable = 47,
    QualityOfServiceNotAvailable = 49,
    FacilityNotSubscribed = 50,
    OutgoingCallsBarredWithinCug = 53,
    IncomingCallsBarredWithinCug = 55,
    BearerCapabilityNotAuthorized = 57,
    BearerCapabilityNotAvailable = 58,
    InconsistencyInAccessInformation = 62,
    ServiceNotAvailable = 63,
    BearerCapabilityNotImplemented = 65,
    ChannelTypeNotImplemented = 66,
    FacilityNotImplemented = 69,
    RestrictedDigitalInformationOnly = 70,
    ServiceNotImplemented = 79,
    InvalidCallReference = 81,
    ChannelDoesNotExist = 82,
    SuspendedCallExistsButNotThisIdentity = 83,
    CallIdentityInUse = 84,
    NoCallSuspended = 85,
    CallIdentityCleared = 86,
    UserNotMemberOfCug = 87,
    IncompatibleDestination = 88,
    NonExistentCug = 90,
    InvalidTransitNetwork = 91,
    InvalidMessage = 95,
    MandatoryIeMissing = 96,
    MessageTypeNonExistent = 97,
    MessageNotCompatibleWithStateOrNonExistent = 98,
    IeNonExistent = 99,
    InvalidIeContents = 100,
    MessageNotCompatibleWithCallState = 101,
    RecoveryOnTimerExpiry = 102,
    ParameterNonExistent = 103,
    ProtocolError = 111,
    Interworking = 127,
};

// Q.850 §2.2.7.1: the class is the value's top three bits.
enum class Class : std::uint8_t {
    Normal,                  // 0-31 (two classes in Q.850, one for mapping)
    ResourceUnavailable,     // 32-47
    ServiceUnavailable,      // 48-63
    ServiceNotImplemented,   // 64-79
    InvalidMessage,          // 80-95
    ProtocolError,           // 96-111
    Interworking,            // 112-127
};

constexpr int value(Cause c) { return static_cast<int>(c); }
// Any value 0..127 (named or not); nullopt outside that range.
constexpr std::optional<Cause> fromValue(int v) {
    if (v < 0 || v > 127) return std::nullopt;
    return static_cast<Cause>(v);
}
// A value received from a far end or library, out-of-range values becoming
// `otherwise`.
constexpr Cause fromValueOr(int v, Cause otherwise) { return fromValue(v).value_or(otherwise); }

constexpr Class classOf(Cause c) {
    int v = value(c);
    if (v < 32) return Class::Normal;
    if (v < 48) return Class::ResourceUnavailable;
    if (v < 64) return Class::ServiceUnavailable;
    if (v < 80) return Class::ServiceNotImplemented;
    if (v < 96) return Class::InvalidMessage;
    if (v < 112) return Class::ProtocolError;
    return Class::Interworking;
}

// Q.850 Table 1 wording ("user busy"); a value the table does not name gets
// its class's unspecified text ("resource unavailable, unspecified").
std::string_view text(Cause c);
std::string_view className(Class k);
// Whether the value is one Table 1 names.
bool isNamed(Cause c);

} // namespace gw::q850

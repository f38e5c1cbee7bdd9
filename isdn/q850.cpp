// The one table of Q.850 cause texts (Q.850 Table 1, lower case as logs and
// IOS show them).
#include "isdn/q850.hpp"

#include <array>

namespace gw::q850 {
namespace {

struct Row {
    Cause cause;
    std::string_view text;
};

constexpr Row kRows[] = {
    {Cause::UnallocatedNumber, "unallocated (unassigned) number"},
    {Cause::NoRouteToTransitNetwork, "no route to specified transit network"},
    {Cause::NoRouteToDestination, "no route to destination"},
    {Cause::SendSpecialInformationTone, "send special information tone"},
    {Cause::MisdialledTrunkPrefix, "misdialled trunk prefix"},
    {Cause::ChannelUnacceptable, "channel unacceptable"},
    {Cause::CallAwardedInEstablishedChannel, "call awarded and being delivered in an established channel"},
    {Cause::Preemption, "preemption"},
    {Cause::PreemptionCircuitReserved, "preemption - circuit reserved for reuse"},
    {Cause::NormalClearing, "normal call clearing"},
    {Cause::UserBusy, "user busy"},
    {Cause::NoUserResponding, "no user responding"},
    {Cause::NoAnswer, "no answer from user (user alerted)"},
    {Cause::SubscriberAbsent, "subscriber absent"},
    {Cause::CallRejected, "call rejected"},
    {Cause::NumberChanged, "number changed"},
    {Cause::RedirectionToNewDestination, "redirection to new destination"},
    {Cause::ExchangeRoutingError, "exchange routing error"},
    {Cause::NonSelectedUserClearing, "non-selected user clearing"},
    {Cause::DestinationOutOfOrder, "destination out of order"},
    {Cause::InvalidNumberFormat, "invalid number format (address incomplete)"},
    {Cause::FacilityRejected, "facility rejected"},
    {Cause::ResponseToStatusEnquiry, "response to STATUS ENQUIRY"},
    {Cause::NormalUnspecified, "normal, unspecified"},
    {Cause::NoCircuitAvailable, "no circuit/channel available"},
    {Cause::NetworkOutOfOrder, "network out of order"},
    {Cause::FrameModeOutOfService, "permanent frame mode connection out of service"},
    {Cause::FrameModeOperational, "permanent frame mode connection operational"},
    {Cause::TemporaryFailure, "temporary failure"},
    {Cause::SwitchingEquipmentCongestion, "switching equipment congestion"},
    {Cause::AccessInformationDiscarded, "access information discarded"},
    {Cause::RequestedChannelNotAvailable, "requested circuit/channel not available"},
    {Cause::PrecedenceCallBlocked, "precedence call blocked"},
    {Cause::ResourceUnavailable, "resource unavailable, unspecified"},
    {Cause::QualityOfServiceNotAvailable, "quality of service not available"},
    {Cause::FacilityNotSubscribed, "requested facility not subscribed"},
    {Cause::OutgoingCallsBarredWithinCug, "outgoing calls barred within CUG"},
    {Cause::IncomingCallsBarredWithinCug, "incoming calls barred within CUG"},
    {Cause::BearerCapabilityNotAuthorized, "bearer capability not authorized"},
    {Cause::BearerCapabilityNotAvailable, "bearer capability not presently available"},
    {Cause::InconsistencyInAccessInformation, "inconsistency in designated outgoing access information and subscriber class"},
    {Cause::ServiceNotAvailable, "service or option not available, unspecified"},
    {Cause::BearerCapabilityNotImplemented, "bearer capability not implemented"},
    {Cause::ChannelTypeNotImplemented, "channel type not implemented"},
    {Cause::FacilityNotImplemented, "requested facility not implemented"},
    {Cause::RestrictedDigitalInformationOnly, "only restricted digital information bearer capability is available"},
    {Cause::ServiceNotImplemented, "service or option not implemented, unspecified"},
    {Cause::InvalidCallReference, "invalid call reference value"},
    {Cause::ChannelDoesNotExist, "identified channel does not exist"},
    {Cause::SuspendedCallExistsButNotThisIdentity, "a suspended call exists, but this call identity does not"},
    {Cause::CallIdentityInUse, "call identity in use"},
    {Cause::NoCallSuspended, "no call suspended"},
    {Cause::CallIdentityCleared, "call having the requested call identity has been cleared"},
    {Cause::UserNotMemberOfCug, "user not member of CUG"},
    {Cause::IncompatibleDestination, "incompatible destination"},
    {Cause::NonExistentCug, "non-existent CUG"},
    {Cause::InvalidTransitNetwork, "invalid transit network selection"},
    {Cause::InvalidMessage, "invalid message, unspecified"},
    {Cause::MandatoryIeMissing, "mandatory information element is missing"},
    {Cause::MessageTypeNonExistent, "message type non-existent or not implemented"},
    {Cause::MessageNotCompatibleWithStateOrNonExistent,
     "message not compatible with call state or message type non-existent or not implemented"},
    {Cause::IeNonExistent, "information element / parameter non-existent or not implemented"},
    {Cause::InvalidIeContents, "invalid information element contents"},
    {Cause::MessageNotCompatibleWithCallState, "message not compatible with call state"},
    {Cause::RecoveryOnTimerExpiry, "recovery on timer expiry"},
    {Cause::ParameterNonExistent, "parameter non-existent or not implemented, passed on"},
    {Cause::ProtocolError, "protocol error, unspecified"},
    {Cause::Interworking, "interworking, unspecified"},
};

// Indexed by value, built once from kRows.
constexpr std::array<std::string_view, 128> kByValue = [] {
    std::array<std::string_view, 128> t{};
    for (const Row& r : kRows) t[static_cast<std::size_t>(r.cause)] = r.text;
    return t;
}();

} // namespace

bool isNamed(Cause c) {
    auto v = static_cast<std::size_t>(c);
    return v < kByValue.size() && !kByValue[v].empty();
}

std::string_view text(Cause c) {
    if (isNamed(c)) return kByValue[static_cast<std::size_t>(c)];
    if (c == Cause::None) return "no cause";
    switch (classOf(c)) {
    case Class::Normal: return "normal, unspecified";
    case Class::ResourceUnavailable: return "resource unavailable, unspecified";
    case Class::ServiceUnavailable: return "service or option not available, unspecified";
    case Class::ServiceNotImplemented: return "service or option not implemented, unspecified";
    case Class::InvalidMessage: return "invalid message, unspecified";
    case Class::ProtocolError: return "protocol error, unspecified";
    case Class::Interworking: return "interworking, unspecified";
    }
    return "interworking, unspecified";
}

std::string_view className(Class k) {
    switch (k) {
    case Class::Normal: return "normal event";
    case Class::ResourceUnavailable: return "resource unavailable";
    case Class::ServiceUnavailable: return "service or option not available";
    case Class::ServiceNotImplemented: return "service or option not implemented";
    case Class::InvalidMessage: return "invalid message";
    case Class::ProtocolError: return "protocol error";
    case Class::Interworking: return "interworking";
    }
    return "interworking";
}

} // namespace gw::q850

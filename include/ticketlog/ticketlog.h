// Convenience header: the whole public API of ticketlog.
#ifndef TICKETLOG_TICKETLOG_H_
#define TICKETLOG_TICKETLOG_H_

#include "ticketlog/commands.h"
#include "ticketlog/delivery.h"
#include "ticketlog/engine.h"
#include "ticketlog/events.h"
#include "ticketlog/follower.h"
#include "ticketlog/options.h"
#include "ticketlog/sla.h"
#include "ticketlog/status.h"
#include "ticketlog/subscription.h"
#include "ticketlog/types.h"
#include "ticketlog/version.h"
#include "ticketlog/views.h"

#endif  // TICKETLOG_TICKETLOG_H_

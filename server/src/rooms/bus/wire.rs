//! What a room's messages look like on the bus.
//!
//! ```text
//!  subject  reactor-lab.room.K7QX2MPD.frames
//!  headers  Reactor-Lab-Seq: 41          the room's own count, from 1, no gaps
//!           Reactor-Lab-Kind: record     what the payload is (below)
//!           Nats-Msg-Id: K7QX2MPD.41     a retried publish is stored once
//!  payload  {"type":"record",…}          the frame, byte for byte as followers get it
//! ```
//!
//! The payload is the frame the presenter's server already encoded for its
//! own followers, so no server encodes a frame twice. Only `end` carries
//! words instead of a frame: the reason, from which each server makes its
//! final `room` frame with its own counts.

use async_nats::HeaderMap;
use axum::body::Bytes;
use axum::extract::ws::Utf8Bytes;

use crate::rooms::history::Frame;

/// Header: the room's sequence number of the message.
pub(crate) const SEQ: &str = "Reactor-Lab-Seq";
/// Header: what the message is ([`Event::kind`]).
pub(crate) const KIND: &str = "Reactor-Lab-Kind";
/// Header JetStream reads to store a retried publish only once.
const MSG_ID: &str = "Nats-Msg-Id";

/// One thing that happened in a room, in the order it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// A frame of the run (`loaded`, `outline`, `record`, `snapshot`, `done`).
    Run(Frame, Utf8Bytes),
    /// Where the presenter is looking (`view`).
    View(Utf8Bytes),
    /// The room's news (`room`): who is in it, whether the presenter is.
    Status(Utf8Bytes),
    /// "Bring everyone back" (`gather`).
    Gather(Utf8Bytes),
    /// The presenter asks the class (`poll`).
    Poll(Utf8Bytes),
    /// The poll closed, with every server's answers (`revealed`).
    Revealed(Utf8Bytes),
    /// The room ended, and why.
    End(String),
}

impl Event {
    /// The `Reactor-Lab-Kind` header's value.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Event::Run(Frame::Loaded, _) => "loaded",
            Event::Run(Frame::Outline, _) => "outline",
            Event::Run(Frame::Record, _) => "record",
            Event::Run(Frame::Snapshot, _) => "snapshot",
            Event::Run(Frame::Done, _) => "done",
            Event::View(_) => "view",
            Event::Status(_) => "status",
            Event::Gather(_) => "gather",
            Event::Poll(_) => "poll",
            Event::Revealed(_) => "revealed",
            Event::End(_) => "end",
        }
    }

    /// Whether the room starts over here: nothing before it is needed to
    /// follow the room from it on.
    pub(crate) fn starts_over(&self) -> bool {
        matches!(self, Event::Run(Frame::Loaded, _))
    }

    /// The message: its headers and payload, as the `seq`th of room `code`.
    pub(crate) fn encode(&self, code: &str, seq: u64) -> (HeaderMap, Bytes) {
        let mut headers = HeaderMap::new();
        headers.insert(SEQ, seq.to_string().as_str());
        headers.insert(KIND, self.kind());
        headers.insert(MSG_ID, format!("{code}.{seq}").as_str());
        let payload = match self {
            Event::Run(_, frame)
            | Event::View(frame)
            | Event::Status(frame)
            | Event::Gather(frame)
            | Event::Poll(frame)
            | Event::Revealed(frame) => Bytes::from(frame.clone()),
            Event::End(reason) => Bytes::from(reason.clone()),
        };
        (headers, payload)
    }

    /// Read a message back: its sequence number and event.
    pub(crate) fn decode(
        headers: Option<&HeaderMap>,
        payload: Bytes,
    ) -> Result<(u64, Event), String> {
        let header = |name: &str| {
            headers
                .and_then(|headers| headers.get(name))
                .map(|value| value.as_str().to_owned())
                .ok_or_else(|| format!("a room message without {name}"))
        };
        let seq = header(SEQ)?
            .parse::<u64>()
            .map_err(|_| format!("{SEQ} is not a number"))?;
        let frame = || {
            Utf8Bytes::try_from(payload.clone()).map_err(|_| "a frame that is not UTF-8".to_owned())
        };
        let event = match header(KIND)?.as_str() {
            "loaded" => Event::Run(Frame::Loaded, frame()?),
            "outline" => Event::Run(Frame::Outline, frame()?),
            "record" => Event::Run(Frame::Record, frame()?),
            "snapshot" => Event::Run(Frame::Snapshot, frame()?),
            "done" => Event::Run(Frame::Done, frame()?),
            "view" => Event::View(frame()?),
            "status" => Event::Status(frame()?),
            "gather" => Event::Gather(frame()?),
            "poll" => Event::Poll(frame()?),
            "revealed" => Event::Revealed(frame()?),
            "end" => Event::End(frame()?.as_str().to_owned()),
            other => return Err(format!("a room message of unknown kind {other:?}")),
        };
        Ok((seq, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_as_it_was_written() {
        let frame = Utf8Bytes::from(r#"{"type":"record","seq":3}"#);
        let events = [
            Event::Run(Frame::Loaded, frame.clone()),
            Event::Run(Frame::Outline, frame.clone()),
            Event::Run(Frame::Record, frame.clone()),
            Event::Run(Frame::Snapshot, frame.clone()),
            Event::Run(Frame::Done, frame.clone()),
            Event::View(frame.clone()),
            Event::Status(frame.clone()),
            Event::Gather(frame.clone()),
            Event::Poll(frame.clone()),
            Event::Revealed(frame),
            Event::End("the presenter ended the room".to_owned()),
        ];
        for (seq, event) in (1..).zip(events) {
            let (headers, payload) = event.encode("K7QX2MPD", seq);
            let id = headers.get(MSG_ID).map(|id| id.as_str().to_owned());
            assert_eq!(id, Some(format!("K7QX2MPD.{seq}")));
            assert_eq!(Event::decode(Some(&headers), payload), Ok((seq, event)));
        }
    }

    #[test]
    fn a_message_that_is_not_a_room_event_is_refused_with_why() {
        let payload = Bytes::from_static(b"{}");
        let missing = Event::decode(None, payload.clone()).unwrap_err();
        assert!(missing.contains(SEQ), "{missing}");
        let mut headers = HeaderMap::new();
        headers.insert(SEQ, "seven");
        headers.insert(KIND, "record");
        let bad = Event::decode(Some(&headers), payload.clone()).unwrap_err();
        assert!(bad.contains("not a number"), "{bad}");
        headers.insert(SEQ, "7");
        headers.insert(KIND, "confetti");
        let unknown = Event::decode(Some(&headers), payload).unwrap_err();
        assert!(unknown.contains("confetti"), "{unknown}");
        headers.insert(KIND, "record");
        let binary = Event::decode(Some(&headers), Bytes::from_static(&[0xff, 0xfe]));
        assert!(binary.unwrap_err().contains("UTF-8"));
    }
}

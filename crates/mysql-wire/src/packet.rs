//! Packet framing: a 3-byte length and a 1-byte sequence id before each payload.
//!
//! The bytes are mysql_common's: [`ChunkDecoder`] appends each physical packet to the payload,
//! tells a full 0xffffff-byte one (a continuation follows) from the last, and checks the declared
//! length against the limit before any payload is read; [`packet_to_chunks`] splits a payload
//! the same way, ending with an empty packet when needed. Its all-in-one `PacketCodec` is not
//! used: it reports a wrong sequence id without the id it got (an error reply must follow the
//! client's numbering) and applies the client's size limit to replies too. So this file keeps
//! the one sequence counter both directions share (a reply continues from the id after the last
//! packet read; it starts at 0 with each command) and the buffers around the socket.

use std::io;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use mysql_common::proto::codec::error::PacketCodecError;
use mysql_common::proto::codec::{packet_to_chunks, ChunkDecoder, ChunkInfo};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How much to ask the socket for at a time; payloads are read as they arrive, never
/// preallocated from a declared length.
const READ_SIZE: usize = 64 * 1024;
/// Buffered output is written out once it reaches this size, so a large reply is not held twice.
const WRITE_SIZE: usize = 64 * 1024;
/// A chunk of this length is followed by another of the same packet.
const MAX_CHUNK_LEN: usize = 0xff_ffff;
/// Most bytes of an oversized packet read and discarded before the connection is simply
/// closed: MySQL's largest `max_allowed_packet`, 1 GiB.
const SKIP_LIMIT: usize = 1 << 30;
/// MySQL's default `net_read_timeout`.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a packet could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed the connection cleanly, before the first byte of the packet.
    Closed,
    /// The stream failed or ended inside a packet.
    Io(io::Error),
    /// A packet carried the wrong sequence id.
    OutOfOrder { expected: u8, got: u8 },
    /// The reassembled payload would exceed the configured limit.
    TooLarge,
    /// A packet was begun and its next bytes did not come within the read timeout
    /// (`net_read_timeout`).
    TimedOut,
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// One client connection seen as packets. Writes are buffered until [`PacketStream::flush`].
pub(crate) struct PacketStream<IO> {
    io: IO,
    /// Bytes read from the socket and not yet decoded (the rest of a packet, or pipelined ones).
    rbuf: BytesMut,
    /// Encoded packets not yet written.
    wbuf: BytesMut,
    decoder: ChunkDecoder,
    /// The sequence id of the next packet, read or written.
    seq: u8,
    /// Largest reassembled payload accepted from the client (`max_allowed_packet`).
    max_payload: usize,
    /// How long a begun packet may wait for its next bytes (`net_read_timeout`).
    read_timeout: Duration,
}

impl<IO: AsyncRead + AsyncWrite + Unpin> PacketStream<IO> {
    pub(crate) fn new(io: IO, max_payload: usize) -> Self {
        PacketStream {
            io,
            rbuf: BytesMut::new(),
            wbuf: BytesMut::new(),
            decoder: ChunkDecoder::default(),
            seq: 0,
            max_payload,
            read_timeout: DEFAULT_READ_TIMEOUT,
        }
    }

    /// Sets how long a packet, once begun, may wait for its next bytes before the read fails
    /// with [`ReadError::TimedOut`] (MySQL's `net_read_timeout`); waiting for a packet's first
    /// byte is not bounded by it.
    pub(crate) fn set_read_timeout(&mut self, timeout: Duration) {
        self.read_timeout = timeout;
    }

    /// Resolves once the peer has closed the connection (or it failed), and never otherwise:
    /// raced against a running statement, it tells that the client is gone. What a pipelining
    /// client sends meanwhile is kept for the next [`PacketStream::read_packet`], up to
    /// [`READ_SIZE`] bytes, after which it stops looking.
    pub(crate) async fn closed(&mut self) {
        while self.rbuf.len() < READ_SIZE {
            self.rbuf.reserve(READ_SIZE);
            match self.io.read_buf(&mut self.rbuf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
        std::future::pending::<()>().await
    }

    /// Starts a new command: the client's next packet must carry sequence id 0.
    pub(crate) fn reset_seq(&mut self) {
        self.seq = 0;
    }

    /// Reads one logical packet, reassembling continuation packets.
    pub(crate) async fn read_packet(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut payload = Vec::new();
        // Whether the packet has begun: from then on each read is bounded by the timeout.
        let mut begun = !self.rbuf.is_empty();
        loop {
            let decoded = self
                .decoder
                .decode(&mut self.rbuf, &mut payload, self.max_payload);
            match decoded {
                Ok(Some(chunk)) => {
                    let (ChunkInfo::Middle(seq) | ChunkInfo::Last(seq)) = chunk;
                    if seq != self.seq {
                        let expected = self.seq;
                        // An error reply then follows the client's numbering, so it can read it.
                        self.seq = seq.wrapping_add(1);
                        return Err(ReadError::OutOfOrder { expected, got: seq });
                    }
                    self.seq = self.seq.wrapping_add(1);
                    if let ChunkInfo::Last(_) = chunk {
                        return Ok(payload);
                    }
                }
                Ok(None) => {
                    self.rbuf.reserve(READ_SIZE);
                    let read = self.io.read_buf(&mut self.rbuf);
                    let n = if begun {
                        tokio::time::timeout(self.read_timeout, read)
                            .await
                            .map_err(|_| ReadError::TimedOut)??
                    } else {
                        read.await?
                    };
                    begun = true;
                    if n == 0 {
                        // Between packets (nothing buffered, nothing joined) this is a clean close.
                        if self.rbuf.is_empty() && payload.is_empty() {
                            return Err(ReadError::Closed);
                        }
                        return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into());
                    }
                }
                Err(PacketCodecError::PacketTooLarge) => return Err(ReadError::TooLarge),
                // The plain decoder has no other error; map any future one to a broken stream.
                Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e).into()),
            }
        }
    }

    /// Reads and discards the rest of a packet refused as [`ReadError::TooLarge`]: its chunk
    /// at the front of the buffer and every continuation chunk after it, as MySQL's
    /// `my_net_skip_rest` does, so the error reply carries the sequence id the client expects
    /// after its last chunk (PyMySQL reports "Packet sequence number wrong" otherwise). Gives up
    /// (an error) after [`SKIP_LIMIT`] bytes or a read slower than the read timeout.
    pub(crate) async fn skip_packet(&mut self) -> io::Result<()> {
        let mut skipped = 0usize;
        loop {
            while self.rbuf.len() < 4 {
                self.fill().await?;
            }
            let len = usize::from(self.rbuf[0])
                | usize::from(self.rbuf[1]) << 8
                | usize::from(self.rbuf[2]) << 16;
            self.seq = self.rbuf[3].wrapping_add(1);
            self.rbuf.advance(4);
            let mut left = len;
            while left > 0 {
                if self.rbuf.is_empty() {
                    self.fill().await?;
                }
                let n = left.min(self.rbuf.len());
                self.rbuf.advance(n);
                left -= n;
            }
            skipped += len;
            if len < MAX_CHUNK_LEN {
                return Ok(());
            }
            if skipped > SKIP_LIMIT {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "an oversized packet went on past the skip limit",
                ));
            }
        }
    }

    /// Reads more bytes into the buffer, bounded by the read timeout; the end of the stream is
    /// an error.
    async fn fill(&mut self) -> io::Result<()> {
        self.rbuf.reserve(READ_SIZE);
        let n = tokio::time::timeout(self.read_timeout, self.io.read_buf(&mut self.rbuf))
            .await
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
        if n == 0 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        Ok(())
    }

    /// Writes one logical packet, split into 0xffffff-byte chunks; a payload whose length is a
    /// multiple of 0xffffff (including zero) ends with an empty packet, as the protocol requires.
    pub(crate) async fn write_packet(&mut self, mut payload: &[u8]) -> io::Result<()> {
        self.seq = packet_to_chunks(self.seq, &mut payload, &mut self.wbuf);
        if self.wbuf.len() >= WRITE_SIZE {
            self.io.write_all(&self.wbuf).await?;
            self.wbuf.clear();
        }
        Ok(())
    }

    pub(crate) async fn flush(&mut self) -> io::Result<()> {
        self.io.write_all(&self.wbuf).await?;
        self.wbuf.clear();
        self.io.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::constants::MAX_PAYLOAD_LEN as MAX_CHUNK;
    use proptest::prelude::*;

    fn frame(payload: &[u8], seq: u8) -> Vec<u8> {
        let len = (payload.len() as u32).to_le_bytes();
        let mut out = vec![len[0], len[1], len[2], seq];
        out.extend_from_slice(payload);
        out
    }

    async fn write_all(payload: &[u8]) -> Vec<u8> {
        let (a, mut b) = tokio::io::duplex(1 << 16);
        let payload = payload.to_vec();
        let writer = tokio::spawn(async move {
            let mut s = PacketStream::new(a, usize::MAX);
            s.write_packet(&payload).await.expect("write");
            s.flush().await.expect("flush");
        });
        let mut out = Vec::new();
        b.read_to_end(&mut out).await.expect("read");
        writer.await.expect("writer");
        out
    }

    async fn read_one(bytes: Vec<u8>, max: usize) -> Result<Vec<u8>, ReadError> {
        let (a, mut b) = tokio::io::duplex(1 << 16);
        let feeder = tokio::spawn(async move {
            let _ = b.write_all(&bytes).await;
            let _ = b.shutdown().await;
            // Keep `b` open until the reader is done with it.
            let mut sink = Vec::new();
            let _ = b.read_to_end(&mut sink).await;
        });
        let mut s = PacketStream::new(a, max);
        let r = s.read_packet().await;
        drop(s);
        feeder.await.expect("feeder");
        r
    }

    #[tokio::test]
    async fn splits_and_reassembles_at_the_chunk_boundary() {
        for len in [0, 1, MAX_CHUNK - 1, MAX_CHUNK, MAX_CHUNK + 1, 2 * MAX_CHUNK] {
            let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let wire = write_all(&payload).await;
            let packets = len / MAX_CHUNK + 1;
            assert_eq!(wire.len(), len + 4 * packets, "len {len}");
            let back = read_one(wire, usize::MAX).await.expect("reassembled");
            assert!(back == payload, "len {len}");
        }
    }

    #[tokio::test]
    async fn rejects_out_of_order_and_oversized_packets() {
        let r = read_one(frame(b"\x03SELECT 1", 5), 1024).await;
        assert!(matches!(
            r,
            Err(ReadError::OutOfOrder {
                expected: 0,
                got: 5
            })
        ));
        let r = read_one(frame(&[0; 100], 0), 99).await;
        assert!(matches!(r, Err(ReadError::TooLarge)));
        // The limit applies to the declared length, before any payload arrives.
        let r = read_one(vec![0xff, 0xff, 0xff, 0], 1024).await;
        assert!(matches!(r, Err(ReadError::TooLarge)));
    }

    #[tokio::test]
    async fn tells_a_clean_close_from_a_truncated_packet() {
        assert!(matches!(
            read_one(vec![], 1024).await,
            Err(ReadError::Closed)
        ));
        assert!(matches!(
            read_one(vec![5, 0], 1024).await,
            Err(ReadError::Io(_))
        ));
        assert!(matches!(
            read_one(vec![5, 0, 0, 0, 1], 1024).await,
            Err(ReadError::Io(_))
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        /// Random bytes read as packets either yield payloads or an error, never a panic or hang.
        #[test]
        fn reader_survives_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
            rt.block_on(async {
                let (a, mut b) = tokio::io::duplex(4096);
                let feeder = tokio::spawn(async move {
                    let _ = b.write_all(&bytes).await;
                    let _ = b.shutdown().await;
                    let mut sink = Vec::new();
                    let _ = b.read_to_end(&mut sink).await;
                });
                let mut s = PacketStream::new(a, 1 << 20);
                let read_all = async {
                    loop {
                        s.reset_seq();
                        if s.read_packet().await.is_err() {
                            break;
                        }
                    }
                };
                tokio::time::timeout(std::time::Duration::from_secs(5), read_all)
                    .await
                    .expect("reader finished");
                drop(s);
                feeder.await.expect("feeder");
            });
        }
    }
}

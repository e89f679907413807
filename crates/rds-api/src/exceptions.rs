//! Hand-written exceptions beside the generated code: why a request could not be parsed
//! ([`RequestError`]) and the error an operation answers with ([`ApiError`]), with the mapping
//! from one to the other and the XML error body.

use std::fmt;

use rds_protocol::ParamError;

use crate::ErrorCode;

/// Why a request could not be turned into a [`crate::Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// `Action` names no operation Rewind serves.
    UnknownAction(String),
    /// A parameter is missing, blank or malformed.
    Param(ParamError),
}

impl From<ParamError> for RequestError {
    fn from(e: ParamError) -> Self {
        RequestError::Param(e)
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::UnknownAction(action) => {
                write!(f, "The action {action} is not valid for this web service.")
            }
            RequestError::Param(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RequestError {}

impl RequestError {
    /// The AWS error this becomes: `InvalidAction`, `MissingParameter` or
    /// `InvalidParameterValue`, with AWS's wording.
    pub fn to_api_error(&self) -> ApiError {
        let code = match self {
            RequestError::UnknownAction(_) => ErrorCode::InvalidAction,
            RequestError::Param(ParamError::Missing(_)) => ErrorCode::MissingParameter,
            RequestError::Param(ParamError::Blank(_) | ParamError::Invalid { .. }) => {
                ErrorCode::InvalidParameterValue
            }
        };
        ApiError::new(code, self.to_string())
    }
}

/// An error response: its code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Which error; gives the wire code, HTTP status and fault side.
    pub code: ErrorCode,
    /// The `<Message>` text.
    pub message: String,
}

impl ApiError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status to answer with.
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// The `<ErrorResponse>` body.
    pub fn to_xml(&self, request_id: &str) -> String {
        rds_protocol::error_response(
            self.code.wire_code(),
            &self.message,
            self.code.is_sender_fault(),
            request_id,
        )
    }
}

impl From<RequestError> for ApiError {
    fn from(e: RequestError) -> Self {
        e.to_api_error()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.wire_code(), self.message)
    }
}

impl std::error::Error for ApiError {}

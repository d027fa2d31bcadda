//! Warning codes of this module: stable strings the UI translates.

use crate::report::Warning;

/// Every situation in which the segmentation falls back instead of failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WarnCode {
    InvalidOptions,
    NoCustomers,
    LengthMismatch,
    NonFiniteInput,
    FeatureMissing,
    ConstantFeature,
    NoVariance,
    KReduced,
    ScanRangeReduced,
    EmptyClusterDropped,
    FitFailed,
    RfmSegmentOutOfRange,
    RfmLengthMismatch,
}

impl WarnCode {
    pub(crate) fn code(self) -> &'static str {
        match self {
            WarnCode::InvalidOptions => "segment_invalid_options",
            WarnCode::NoCustomers => "segment_no_customers",
            WarnCode::LengthMismatch => "segment_length_mismatch",
            WarnCode::NonFiniteInput => "segment_non_finite_input",
            WarnCode::FeatureMissing => "segment_feature_missing",
            WarnCode::ConstantFeature => "segment_constant_feature",
            WarnCode::NoVariance => "segment_no_variance",
            WarnCode::KReduced => "segment_k_reduced",
            WarnCode::ScanRangeReduced => "segment_scan_range_reduced",
            WarnCode::EmptyClusterDropped => "segment_empty_cluster_dropped",
            WarnCode::FitFailed => "segment_fit_failed",
            WarnCode::RfmSegmentOutOfRange => "segment_rfm_segment_out_of_range",
            WarnCode::RfmLengthMismatch => "segment_rfm_length_mismatch",
        }
    }
}

pub(crate) fn warn(warnings: &mut Vec<Warning>, code: WarnCode, message: &str) {
    warnings.push(Warning {
        code: code.code().to_string(),
        message: message.to_string(),
    });
}

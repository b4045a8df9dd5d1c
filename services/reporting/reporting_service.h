// dienhinh.reporting.v1.ReportingService over gRPC: what the department office (Văn phòng Sở)
// reads and sends up — unit annual reports, compliance (who is late or missing), summaries for
// the emulation congress, recognised models, replication — and exports of them.
//
// Each handler authenticates the caller, normalizes and validates the request, authorizes it,
// and hands the work to the rules and the stores. Who may do what:
//  - a unit officer files and reads its own unit's annual reports, records that its own unit
//    took up a model, and reads the summaries, the recognised models and replication (they
//    exist to be disseminated); compliance, the list of every unit, is not for it;
//  - the department office and admins file for any unit and read everything;
//  - viewers, council members and other services read everything and change nothing.
#ifndef DIENHINH_SERVICES_REPORTING_REPORTING_SERVICE_H_
#define DIENHINH_SERVICES_REPORTING_REPORTING_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "dienhinh/reporting/v1/reporting_service.grpc.pb.h"
#include "services/platform/auth/caller.h"
#include "services/platform/plan/plan_file.h"
#include "services/platform/runtime/service_runtime.h"
#include "services/reporting/annual_report_store.h"
#include "services/reporting/migrations.h"
#include "services/reporting/replication_store.h"

namespace dienhinh::reporting {

struct ReportingOptions {
  // The plans reports are filed under (plans/*.textproto).
  platform::PlanCatalog plans;
  // The time filings and compliance are judged at; absl::Now when empty (tests move it).
  std::function<absl::Time()> clock;
  // Exported files are streamed in chunks of this many bytes.
  int export_chunk_bytes = 32 * 1024;
};

class ReportingService final : public v1::ReportingService::CallbackService {
 public:
  ReportingService(platform::ServiceRuntime* runtime, ReportingOptions options);

  grpc::ServerUnaryReactor* FileAnnualReport(grpc::CallbackServerContext* context,
                                             const v1::FileAnnualReportRequest* request,
                                             v1::UnitAnnualReport* response) override;
  grpc::ServerUnaryReactor* GetAnnualReport(grpc::CallbackServerContext* context,
                                            const v1::GetAnnualReportRequest* request,
                                            v1::UnitAnnualReport* response) override;
  grpc::ServerUnaryReactor* ListAnnualReports(grpc::CallbackServerContext* context,
                                              const v1::ListAnnualReportsRequest* request,
                                              v1::ListAnnualReportsResponse* response) override;
  grpc::ServerUnaryReactor* ListCompliance(grpc::CallbackServerContext* context,
                                           const v1::ListComplianceRequest* request,
                                           v1::ListComplianceResponse* response) override;
  grpc::ServerUnaryReactor* GetSummary(grpc::CallbackServerContext* context,
                                       const v1::GetSummaryRequest* request,
                                       v1::Summary* response) override;
  grpc::ServerUnaryReactor* ListRecognisedModels(grpc::CallbackServerContext* context,
                                                 const v1::ListRecognisedModelsRequest* request,
                                                 v1::ListRecognisedModelsResponse* response) override;
  grpc::ServerUnaryReactor* CreateReplicationRecord(grpc::CallbackServerContext* context,
                                                    const v1::CreateReplicationRecordRequest* request,
                                                    v1::ReplicationRecord* response) override;
  grpc::ServerUnaryReactor* ListReplicationRecords(
      grpc::CallbackServerContext* context, const v1::ListReplicationRecordsRequest* request,
      v1::ListReplicationRecordsResponse* response) override;
  grpc::ServerUnaryReactor* GetReplicationStats(grpc::CallbackServerContext* context,
                                                const v1::GetReplicationStatsRequest* request,
                                                v1::ReplicationStats* response) override;
  grpc::ServerWriteReactor<v1::ExportChunk>* ExportReport(
      grpc::CallbackServerContext* context, const v1::ExportReportRequest* request) override;

 private:
  absl::Status File(const platform::Caller& caller, v1::FileAnnualReportRequest request,
                    v1::UnitAnnualReport* response);
  absl::Status Get(const platform::Caller& caller, const v1::GetAnnualReportRequest& request,
                   v1::UnitAnnualReport* response);
  absl::Status List(const platform::Caller& caller, const v1::ListAnnualReportsRequest& request,
                    v1::ListAnnualReportsResponse* response);
  absl::Status Compliance(const platform::Caller& caller, const v1::ListComplianceRequest& request,
                          v1::ListComplianceResponse* response);
  absl::Status Summarise(const v1::GetSummaryRequest& request, v1::Summary* response);
  absl::Status RecognisedModels(const v1::ListRecognisedModelsRequest& request,
                                v1::ListRecognisedModelsResponse* response);
  absl::Status CreateReplication(const platform::Caller& caller,
                                 v1::CreateReplicationRecordRequest request,
                                 v1::ReplicationRecord* response);
  absl::Status ListReplication(const v1::ListReplicationRecordsRequest& request,
                               v1::ListReplicationRecordsResponse* response);
  absl::Status CountReplication(const v1::GetReplicationStatsRequest& request,
                                v1::ReplicationStats* response);
  // The whole exported file, cut into chunks (export_report.cc).
  absl::StatusOr<std::vector<v1::ExportChunk>> Export(const platform::Caller& caller,
                                                      const v1::ExportReportRequest& request);

  // The plan a request names in `field`; INVALID_ARGUMENT when it is missing or unknown.
  absl::StatusOr<const platform::Plan*> PlanOf(const std::string& name, const char* field) const;
  absl::Time Now() const;

  platform::ServiceRuntime* runtime_;
  ReportingOptions options_;
  AnnualReportStore reports_;
  ReplicationStore replication_;
};

}  // namespace dienhinh::reporting

#endif  // DIENHINH_SERVICES_REPORTING_REPORTING_SERVICE_H_

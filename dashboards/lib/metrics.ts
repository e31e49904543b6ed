/**
 * Metrics dashboards and rules name that the platform does not export today, with who provides them. The
 * test accepts a name only if the platform exports it, a rule records it, or it is listed here.
 */
export const PENDING_METRICS: Readonly<Record<string, string>> = {
  insitechart_remediation_actions_total: 'the remediation engine (actions and outcomes), not built yet',
  insitechart_detector_forecast: 'the detector tier (forecast with its interval: bound=mean|low|high)',
  insitechart_detector_forecast_actual: 'the detector tier (the observed value beside the forecast)',
  insitechart_alert_incident_ack_seconds: 'the incident page work (time from open to acknowledge)',
  insitechart_alert_incident_resolve_seconds: 'the incident page work (time from open to resolve)',
};

/** Standard exporters' metrics, scraped beside the platform in a deployment. */
export const EXTERNAL_METRICS: Readonly<Record<string, string>> = {
  up: 'Prometheus itself (one per scrape target)',
  ALERTS: 'Prometheus itself (the alerts its rules fire; DeployRegression stays firing through it)',
  node_filesystem_avail_bytes: 'node_exporter',
  node_filesystem_size_bytes: 'node_exporter',
  probe_ssl_earliest_cert_expiry: 'blackbox_exporter (TLS probe of the public endpoint)',
  kubelet_volume_stats_available_bytes: "the kubelet (a PersistentVolumeClaim's free bytes; Kubernetes only)",
  kubelet_volume_stats_capacity_bytes: "the kubelet (a PersistentVolumeClaim's size; Kubernetes only)",
  kube_pod_container_info: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  kube_pod_container_status_ready: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  kube_pod_container_status_running: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  kube_pod_container_status_restarts_total: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  kube_pod_container_resource_requests: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  kube_pod_container_resource_limits: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  kube_horizontalpodautoscaler_status_current_replicas: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  kube_horizontalpodautoscaler_spec_max_replicas: 'kube-state-metrics (kube-prometheus-stack; Kubernetes only)',
  container_cpu_usage_seconds_total: "the kubelet's cAdvisor (kube-prometheus-stack; Kubernetes only)",
  container_cpu_cfs_throttled_periods_total: "the kubelet's cAdvisor (kube-prometheus-stack; Kubernetes only)",
  container_cpu_cfs_periods_total: "the kubelet's cAdvisor (kube-prometheus-stack; Kubernetes only)",
  container_memory_working_set_bytes: "the kubelet's cAdvisor (kube-prometheus-stack; Kubernetes only)",
};

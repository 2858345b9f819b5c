"""An IoT device fleet onboarding service: things, certificates, firmware, telemetry."""

from fleet.app import DeviceCredentials, FirmwareImage, FleetOnboarding, FleetSettings

__all__ = ["DeviceCredentials", "FirmwareImage", "FleetOnboarding", "FleetSettings"]

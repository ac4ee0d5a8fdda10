namespace ScaiVault.Domain; public static class Placeholder {}

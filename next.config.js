/** @type {import('next').NextConfig} */
const nextConfig = {
  // ssh2 and better-sqlite3 carry optional native parts Turbopack cannot bundle.
  serverExternalPackages: ["ssh2", "better-sqlite3", "@prisma/adapter-better-sqlite3"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};
module.exports = nextConfig;

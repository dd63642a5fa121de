import Foundation
import RelanceResources

/// The seed lists of `Resources/demo/names.json`.
struct DemoNames: Decodable {
    var companyStems: [String]
    var legalForms: [String]
    var firstNames: [String]
    var lastNames: [String]
    var roles: [String]
    var cities: [[String]]
    var streets: [String]
    var collectors: [[String]]
    var supervisors: [[String]]
    var salespeople: [[String]]

    static func load() throws -> DemoNames {
        guard let data = ResourceFiles.data(folder: "demo", name: "names.json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: ResourceFiles.path(folder: "demo", name: "names.json")])
        }
        return try JSONDecoder().decode(DemoNames.self, from: data)
    }
}
